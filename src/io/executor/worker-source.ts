// The script every pool worker runs, as source text: the pool starts workers from it (Node's
// `eval: true`, a Blob URL for Web Workers), so it works from the single-file bundle with no
// worker file beside it. It must be plain ES2022 that esbuild leaves alone — hence a string.
//
// Protocol, one job at a time per worker:
//   parent → worker  { id, url, name, args }   import `url`, call its export `name`(...args),
//                                              await the result if it is a promise
//   worker → parent  { id, ok: true, value }   the result, by structured clone
//                    { id, ok: false, error }  what was thrown, described by `describeError`
//                    { stray: true, id, error } an error thrown outside any job's own call (a
//                                              timer or promise a job left behind): `id` is the
//                                              job it came from where the runtime can tell
//                                              (AsyncLocalStorage), else null. The worker lives on.
// The description keeps what structured clone would lose: an Error's own `name` (a subclass's
// name, not just the built-in ones), its stack, and its extra own properties (`code`, …).

/** What a worker reports for a thrown value. */
export type ThrownData =
  | {
      kind: "error";
      name: string;
      message: string;
      stack: string | undefined;
      props: Record<string, unknown>;
      cause?: ThrownData;
    }
  | { kind: "value"; value: unknown };

export const WORKER_SOURCE = String.raw`"use strict";
const wt = globalThis.process?.getBuiltinModule?.("node:worker_threads")?.parentPort ? globalThis.process.getBuiltinModule("node:worker_threads") : null;
const port = wt !== null ? wt.parentPort : globalThis;
const listen = (f) => wt !== null ? port.on("message", f) : globalThis.addEventListener("message", (e) => f(e.data));

function cloneable(v) {
  try { structuredClone(v); return true; } catch { return false; }
}

function describeError(e, depth) {
  if (e !== null && typeof e === "object" && typeof e.message === "string" && (e instanceof Error || "stack" in e)) {
    const props = {};
    for (const k of Object.keys(e)) {
      if (k === "name" || k === "message" || k === "stack" || k === "cause") continue;
      if (cloneable(e[k])) props[k] = e[k];
    }
    const d = { kind: "error", name: String(e.name ?? "Error"), message: e.message, stack: typeof e.stack === "string" ? e.stack : undefined, props };
    if (e.cause !== undefined && depth < 8) d.cause = describeError(e.cause, depth + 1);
    return d;
  }
  if (cloneable(e)) return { kind: "value", value: e };
  return { kind: "error", name: "Error", message: String(e), stack: undefined, props: {} };
}

let als = null;
try {
  const hooks = globalThis.process?.getBuiltinModule?.("node:async_hooks");
  if (hooks && typeof hooks.AsyncLocalStorage === "function") als = new hooks.AsyncLocalStorage();
} catch {}

function stray(e) {
  let id = null;
  try { id = als?.getStore() ?? null; } catch {}
  try { port.postMessage({ stray: true, id, error: describeError(e, 0) }); } catch {}
}
if (wt !== null && typeof globalThis.process?.on === "function") {
  globalThis.process.on("uncaughtException", stray);
  globalThis.process.on("unhandledRejection", stray);
} else if (typeof globalThis.addEventListener === "function") {
  globalThis.addEventListener("error", (e) => { e.preventDefault(); stray(e.error ?? new Error(e.message)); });
  globalThis.addEventListener("unhandledrejection", (e) => { e.preventDefault(); stray(e.reason); });
}

listen((job) => als !== null ? als.run(job.id, runJob, job) : runJob(job));

async function runJob(job) {
  const { id, url, name, args } = job;
  let value;
  try {
    const mod = await import(url);
    const fn = mod[name];
    if (typeof fn !== "function") throw new TypeError("module " + url + " has no function export " + JSON.stringify(name) + " (found " + (fn === null ? "null" : typeof fn) + ")");
    value = await fn(...args);
  } catch (e) {
    port.postMessage({ id, ok: false, error: describeError(e, 0) });
    return;
  }
  try {
    port.postMessage({ id, ok: true, value });
  } catch (e) {
    const d = describeError(e, 0);
    if (d.kind === "error") d.message = "the result of " + name + "() cannot cross to the loop's thread: " + d.message;
    port.postMessage({ id, ok: false, error: d });
  }
}
`;
