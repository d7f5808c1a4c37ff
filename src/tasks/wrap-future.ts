// wrapFuture: asyncio.wrap_future — a loop Future for something that completes outside the loop.
// Here that is any thenable (a Promise, or the ConcurrentFuture runCoroutineThreadsafe returns):
// its outcome is posted to the loop with callSoonThreadsafe (which wakes a waiting loop), so the
// Future completes on the loop's own pass. A Future is returned as it is. Cancelling the Future
// cancels the source when it has a cancel() (a ConcurrentFuture); a promise cannot be stopped, and
// its late outcome is dropped.

import { describe } from "../checks.js";
import type { EventLoop } from "../loop/event-loop.js";
import { getRunningLoop } from "../loop/running.js";
import { isThenable } from "./from-promise.js";
import { Future } from "./future.js";

/** A Future of `loop` (default: the running one) that completes as `source` does. */
export function wrapFuture<T>(source: Future<T> | PromiseLike<T>, options?: { loop?: EventLoop }): Future<T> {
  if (source instanceof Future) return source;
  if (!isThenable(source)) throw new TypeError(`wrapFuture() needs a Future or a thenable, got ${describe(source)}`);
  const loop = options?.loop ?? getRunningLoop();
  const fut = loop.createFuture<T>();
  const post = (ok: boolean, value: unknown) => {
    if (loop.isClosed()) return;
    loop.callSoonThreadsafe(() => {
      if (fut.done()) return;
      if (ok) fut.setResult(value as T);
      else fut.setException(value);
    });
  };
  source.then(
    (v) => post(true, v),
    (e) => post(false, e),
  );
  const cancel = (source as { cancel?: unknown }).cancel;
  if (typeof cancel === "function")
    fut.addDoneCallback((f) => {
      if (f.cancelled()) cancel.call(source);
    });
  return fut;
}
