// staggeredRace: asyncio.staggered.staggered_race — the engine of Happy Eyeballs.
//
// The factories are started one at a time, each as a task: the next one starts when the one
// started last fails, or `delay` ms after it started, whichever comes first (a null delay: only
// on failure, so the attempts run one after another). The first to return wins; every other
// running attempt is cancelled and nothing more is started. The race returns once every attempt
// it started has finished: [winner's result or null, winner's index or null, exceptions], where
// exceptions[i] is what attempt i threw (null for the winner, a cancelled one, or one still
// unstarted). Cancelling the race cancels the attempts, waits for them, then throws
// CancelledError. A factory that throws counts as a failed attempt.

import { CancelledError } from "../errors.js";
import type { TimerHandle } from "../loop/handle.js";
import { getRunningLoop } from "../loop/running.js";
import { checkCallback } from "../checks.js";
import type { Coroutine } from "./coroutine.js";
import { Future } from "./future.js";
import type { Task } from "./task.js";

export type StaggeredRaceResult<T> = [T | null, number | null, unknown[]];

/** Races the coroutines `coroFns` make, starting one more every `delay` ms or on a failure. */
export function staggeredRace<T>(
  coroFns: Iterable<() => Coroutine<T>>,
  delay: number | null,
): Coroutine<StaggeredRaceResult<T>> {
  if (coroFns === null || typeof (coroFns as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function")
    throw new TypeError("coroFns must be an iterable of functions that return coroutines");
  if (delay !== null) {
    if (typeof delay !== "number") throw new TypeError(`delay must be a number of ms or null, got ${typeof delay}`);
    if (!(delay >= 0) || !Number.isFinite(delay))
      throw new RangeError(`delay must be a non-negative number of ms, got ${delay}`);
  }
  return race(coroFns[Symbol.iterator](), delay);
}

function* race<T>(fns: Iterator<() => Coroutine<T>>, delay: number | null): Coroutine<StaggeredRaceResult<T>> {
  const loop = getRunningLoop();
  const exceptions: unknown[] = [];
  const running = new Set<Task<T>>();
  let winner: { result: T; index: number } | null = null;
  let exhausted = false;
  let timer: TimerHandle | null = null;
  let settled: Future<void> | null = null;

  const finishedAll = () => (winner !== null || exhausted) && running.size === 0;
  const wake = () => {
    if (settled !== null && !settled.done() && finishedAll()) settled.setResult(undefined);
  };
  const startNext = (): void => {
    timer?.cancel();
    timer = null;
    if (winner !== null || exhausted) {
      wake();
      return;
    }
    const next = fns.next();
    if (next.done) {
      exhausted = true;
      wake();
      return;
    }
    const index = exceptions.length;
    exceptions.push(null);
    let coro: Coroutine<T>;
    try {
      checkCallback(next.value, "each of coroFns");
      coro = next.value();
    } catch (e) {
      exceptions[index] = e;
      startNext();
      return;
    }
    const task = loop.createTask(coro);
    running.add(task);
    task.addDoneCallback(() => {
      running.delete(task);
      if (!task.cancelled()) {
        const exc = task.exception();
        if (exc !== null) {
          exceptions[index] = exc;
          if (index === exceptions.length - 1) startNext(); // the latest one failed: start the next now
        } else if (winner === null) {
          winner = { result: task.result(), index };
          timer?.cancel();
          timer = null;
          for (const t of running) t.cancel();
        }
      }
      wake();
    });
    if (delay !== null) timer = loop.callLater(delay, startNext);
  };

  startNext();
  let cancelled: CancelledError | null = null;
  while (!finishedAll()) {
    settled = new Future<void>(loop);
    try {
      yield* settled;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      cancelled = e;
      exhausted = true;
      (timer as TimerHandle | null)?.cancel();
      timer = null;
      for (const t of running) t.cancel(e.message);
    }
  }
  if (cancelled !== null) throw cancelled;
  const w = winner as { result: T; index: number } | null;
  return w === null ? [null, null, exceptions] : [w.result, w.index, exceptions];
}
