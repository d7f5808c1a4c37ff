// AbortSignal and Task, both ways.
//
//   createTask(coro, { signal })   the task is cancelled when `signal` aborts (at once if it has);
//   task.getSignal()               a signal that aborts when the task is cancelled or done.
//
// A task's signal is made on demand and kept in a WeakMap, so tasks that never ask for one carry
// nothing and pay nothing: Task.cancel looks for a signal only once any has been made. It aborts
// at the cancel() request (reason: a CancelledError with the cancel message), so work handed to a
// signal-aware API stops while the task unwinds; or, when the task ends otherwise, one pass after
// it is done (reason: a CancelledError saying so). An `{ signal }` listener is removed when the
// task is done.

import { CancelledError, cheapCancelledError, safeString } from "../errors.js";
import { PENDING } from "./future.js";
import type { Task } from "./task.js";

const controllers = new WeakMap<object, AbortController>();
let issued = false;

/** True once any task signal exists (until then Task.cancel skips the lookup). */
export function signalsIssued(): boolean {
  return issued;
}

/** True for an AbortSignal (or an object shaped like one). */
export function isAbortSignal(x: unknown): x is AbortSignal {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as AbortSignal).aborted === "boolean" &&
    typeof (x as AbortSignal).addEventListener === "function" &&
    typeof (x as AbortSignal).removeEventListener === "function"
  );
}

/** The task's own signal, made on first request. */
export function taskSignal(task: Task<unknown>): AbortSignal {
  let c = controllers.get(task);
  if (c === undefined) {
    c = new AbortController();
    issued = true;
    controllers.set(task, c);
    if (task._state !== PENDING) abortWhenDone(task);
    else task._addCallback(abortWhenDone);
  }
  return c.signal;
}

/** Called by Task.cancel: aborts the task's signal, if it has one, with CancelledError(msg). */
export function abortTaskSignal(task: Task<unknown>, msg: string | undefined): void {
  const c = controllers.get(task);
  if (c !== undefined && !c.signal.aborted) c.abort(cheapCancelledError(msg));
}

function abortWhenDone(task: Task<unknown>): void {
  const c = controllers.get(task);
  if (c === undefined || c.signal.aborted) return;
  c.abort(task.cancelled() ? task._makeCancelledError() : new CancelledError(`${task} is done`));
}

/** Cancels `task` when `signal` aborts; the listener goes when the task is done. */
export function cancelOnAbort(task: Task<unknown>, signal: AbortSignal): void {
  if (signal.aborted) {
    task.cancel(reasonText(signal.reason));
    return;
  }
  const onAbort = (): void => {
    if (task._state === PENDING) task.cancel(reasonText(signal.reason));
  };
  signal.addEventListener("abort", onAbort, { once: true });
  task._addCallback(() => signal.removeEventListener("abort", onAbort));
}

/** The cancel message for an abort reason (never throws: an abort listener must cancel the task). */
function reasonText(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return reason instanceof Error ? safeString(reason.message) : safeString(reason);
}
