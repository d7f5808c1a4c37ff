// sleep: suspend the current task for `delay` ms. sleep(0) (or less) is one loop pass — the same
// bare `yield` a coroutine can write itself — and allocates no timer.

import { getRunningLoop } from "../loop/running.js";
import { checkTime } from "../loop/validate.js";
import type { Coroutine } from "./coroutine.js";
import { Future, PENDING } from "./future.js";

/** Suspends the calling task for `delay` ms, then returns `result`. */
export function* sleep<T = undefined>(delay: number, result?: T): Coroutine<T> {
  checkTime(delay, "delay");
  if (delay <= 0) {
    yield;
    return result as T;
  }
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
