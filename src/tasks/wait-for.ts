// waitFor: await one awaitable with a time limit — asyncio.wait_for with its 3.12 semantics.
//
// It is `timeout(ms)` around `yield* aw`: on expiry the awaited task (or future) is cancelled
// through the calling task, the wait ends with TimeoutError once it has really finished, and a
// cancellation of the caller from outside always propagates as CancelledError — even when it
// arrives in the same pass as the inner result, the old wait_for bug of swallowing it is gone.
//
// A timeout <= 0 means "already expired": a done future gives its result (or error) at once; a
// pending one is cancelled and waited for, then gives its result if it finished anyway, or
// TimeoutError if it was cancelled (a coroutine is cancelled before it ever runs). A null
// timeout waits forever.

import { tracked } from "./debug-coroutines.js";
import { CancelledError, TimeoutError } from "../errors.js";
import { getRunningLoop } from "../loop/running.js";
import { checkAwaitable, checkTimeout } from "./arguments.js";
import { asyncWith } from "./async-with.js";
import type { Awaitable, Coroutine } from "./coroutine.js";
import { ensureFuture } from "./ensure-future.js";
import { Future, PENDING } from "./future.js";
import { timeout } from "./timeout.js";

/** Awaits `aw` for at most `timeout` milliseconds (null: forever); TimeoutError when the time is up. */
export function waitFor<T>(aw: Awaitable<T>, timeout: number | null): Coroutine<T> {
  checkAwaitable(aw, "waitFor() awaitable");
  checkTimeout(timeout, "timeout");
  return tracked(
    timeout !== null && timeout !== undefined && timeout <= 0 ? waitExpired(aw) : waitWithin(aw, timeout ?? null),
    "waitFor",
  );
}

function* waitWithin<T>(aw: Awaitable<T>, ms: number | null): Coroutine<T> {
  return yield* asyncWith(timeout(ms), function* () {
    return yield* aw;
  });
}

function* waitExpired<T>(aw: Awaitable<T>): Coroutine<T> {
  const fut = ensureFuture(aw);
  if (fut.done()) return fut.result();
  yield* cancelAndWait(fut);
  try {
    return fut.result();
  } catch (error) {
    if (error instanceof CancelledError) throw new TimeoutError(undefined, { cause: error });
    throw error;
  }
}

/**
 * Cancels `fut` and waits until it is done, through a separate waiter so that the caller itself
 * stays cancellable (cancelling the caller does not cancel `fut` a second time).
 */
export function* cancelAndWait(fut: Future<unknown>): Coroutine<void> {
  const waiter = new Future<void>(getRunningLoop());
  const release = (): void => {
    if (waiter._state === PENDING) waiter.setResult(undefined);
  };
  fut.addDoneCallback(release);
  try {
    fut.cancel();
    yield* waiter;
  } finally {
    fut.removeDoneCallback(release);
  }
}
