// Where signals come from: the runtime's `process` (Node, and Deno's Node compatibility) in the
// main thread. Its listeners run on the host runtime's event loop; wasio's handlers never run
// there — a listener only posts the handler to the loop (see signal-handlers.ts).
//
// Limits: a listener can only run when the JavaScript thread is free, so a task that never gives
// the loop back cannot be interrupted by any signal it handles (SIGINT included).

import type * as WorkerThreads from "node:worker_threads";
import type { EventLoop } from "../../loop/event-loop.js";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";

/** The part of Node's `process` signal handling uses. */
export interface SignalProcess {
  on(sig: string, listener: () => void): unknown;
  off(sig: string, listener: () => void): unknown;
  listenerCount(sig: string): number;
}

/** The process signals come from, or null (browsers, worker threads, no `process`). */
export function signalProcess(): SignalProcess | null {
  const proc = (globalThis as { process?: Partial<SignalProcess> & { pid?: unknown } }).process;
  if (
    proc === undefined ||
    typeof proc.on !== "function" ||
    typeof proc.off !== "function" ||
    typeof proc.listenerCount !== "function" ||
    typeof proc.pid !== "number"
  )
    return null;
  const wt = nodeBuiltin<typeof WorkerThreads>("node:worker_threads");
  if (wt !== null && !wt.isMainThread) return null;
  return proc as SignalProcess;
}

/**
 * The process signals for `loop` come from, or null when its host cannot take them: a host that
 * blocks the thread in poll never lets a listener run.
 */
export function signalProcessFor(loop: EventLoop): SignalProcess | null {
  return loop.host.canBlock ? null : signalProcess();
}
