// One worker thread of a pool, behind a small interface that hides the runtime: Node's and Deno's
// `node:worker_threads` (preferred: it can `unref` an idle worker so it does not keep the process
// alive), or a module Web Worker (browsers). Both run WORKER_SOURCE.
//
// Events reach the pool through the callbacks given at spawn time, from the host runtime's own
// event loop — never from inside a wasio loop pass.

import type * as WorkerThreads from "node:worker_threads";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";
import { WORKER_SOURCE } from "./worker-source.js";

export interface WorkerEvents {
  /** A message from the worker (a job's outcome). */
  message(data: unknown): void;
  /** The worker failed outside a job's own error handling (it is about to exit). */
  error(error: unknown): void;
  /** The worker is gone (terminated, crashed, or `process.exit()` in a job). */
  exit(code: number): void;
}

export interface PoolWorker {
  /** Sends by structured clone; throws (DataCloneError) when `data` cannot be cloned. */
  post(data: unknown): void;
  /** Lets the worker keep the process alive (while it runs a job). */
  ref(): void;
  /** Stops the worker from keeping the process alive (while it is idle). */
  unref(): void;
  /** Stops the worker; `exit` follows. */
  terminate(): void;
}

/** Starts a worker running WORKER_SOURCE. */
export function spawnWorker(name: string, events: WorkerEvents): PoolWorker {
  const wt = nodeBuiltin<typeof WorkerThreads>("node:worker_threads");
  return wt !== null ? spawnNodeWorker(wt, name, events) : spawnWebWorker(name, events);
}

function spawnNodeWorker(wt: typeof WorkerThreads, name: string, events: WorkerEvents): PoolWorker {
  const w = new wt.Worker(WORKER_SOURCE, { eval: true, name });
  w.on("message", events.message);
  w.on("error", events.error);
  w.on("exit", events.exit);
  return {
    post: (data) => w.postMessage(data),
    ref: () => w.ref(),
    unref: () => w.unref(),
    terminate: () => {
      void w.terminate();
    },
  };
}

let blobUrl: string | undefined;

function spawnWebWorker(name: string, events: WorkerEvents): PoolWorker {
  const WebWorker = (globalThis as any).Worker as typeof Worker | undefined;
  if (typeof WebWorker !== "function") throw new Error("this runtime has neither node:worker_threads nor Web Workers");
  // One Blob URL for every worker, kept: a worker loads its script after the constructor returns.
  blobUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const w = new WebWorker(blobUrl, { type: "module", name });
  let exited = false;
  const exit = (code: number): void => {
    if (exited) return;
    exited = true;
    w.terminate();
    events.exit(code);
  };
  w.addEventListener("message", (e) => events.message((e as MessageEvent).data));
  w.addEventListener("error", (e) => {
    e.preventDefault();
    const ev = e as ErrorEvent;
    events.error(ev.error ?? new Error(ev.message || "worker error"));
    exit(1);
  });
  return {
    post: (data) => w.postMessage(data),
    ref: () => {},
    unref: () => {},
    // A Web Worker stops at once and has no exit event: report it on the next host turn.
    terminate: () => {
      if (!exited) queueMicrotask(() => exit(1));
    },
  };
}
