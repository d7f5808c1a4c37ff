// sleep: suspend the current task for `delay` ms. sleep(0) (or less) is one loop pass — the same
// bare `yield` a coroutine can write itself — and allocates no timer. The delay is checked at the
// call (TypeError, RangeError for NaN or ±Infinity), not when the coroutine first runs.

import { getRunningLoop } from "../loop/running.js";
import { checkTime } from "../checks.js";
import type { Coroutine } from "./coroutine.js";
import { tracked } from "./debug-coroutines.js";
import { Future, PENDING } from "./future.js";

/** Suspends the calling task for `delay` ms, then returns `result`. */
export function sleep<T = undefined>(delay: number, result?: T): Coroutine<T> {
  checkTime(delay, "delay");
  return tracked(delay <= 0 ? onePass(result as T) : sleepFor(delay, result as T), "sleep");
}

function* onePass<T>(result: T): Coroutine<T> {
  yield;
  return result;
}

function* sleepFor<T>(delay: number, result: T): Coroutine<T> {
  const loop = getRunningLoop();
  const fut = new Future<T>(loop);
  fut._result = result;
  const timer = loop.callLater(delay, resolveSleep, fut);
  try {
    return yield* fut;
  } finally {
    timer.cancel();
  }
}

function resolveSleep(fut: Future<unknown>): void {
  if (fut._state === PENDING) fut.setResult(fut._result);
}
