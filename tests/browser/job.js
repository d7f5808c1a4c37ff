// A job for toThread in the browser test: runs on a Web Worker.
export function describeThread(x) {
  return {
    twice: 2 * x,
    worker: typeof globalThis.WorkerGlobalScope === "function" && globalThis instanceof globalThis.WorkerGlobalScope,
  };
}
