// wait: block until some of a set of futures are done — asyncio.wait.
//
// Returns [done, pending], two Sets of the given futures, when `returnWhen` is met:
//   FIRST_COMPLETED  one future is done (finished, failed or cancelled);
//   FIRST_EXCEPTION  one future failed (a cancelled one does not count), or all are done;
//   ALL_COMPLETED    all are done (the default);
// or when `timeout` ms have passed (no TimeoutError: the unfinished ones are simply in `pending`).
// The futures are never cancelled by wait, and cancelling the waiting task leaves them alone.
//
// Any iterable of futures is accepted, generators included (their values are taken at the call).
// As in asyncio 3.11+, coroutines are refused (wrap them in tasks: wait could not give them back),
// and an empty collection is an error (RangeError here, ValueError there). Duplicates count once.
// Every done callback goes through the loop, so a wait on futures that are all done already still
// takes one pass.

import type { EventLoop } from "../loop/event-loop.js";
import type { Handle } from "../loop/handle.js";
import { getRunningLoop } from "../loop/running.js";
import { describe } from "../checks.js";
import { awaitableList, checkTimeout } from "./arguments.js";
import { isCoroutine, type Coroutine } from "./coroutine.js";
import { tracked } from "./debug-coroutines.js";
import { CANCELLED, Future, PENDING } from "./future.js";

export const FIRST_COMPLETED = "FIRST_COMPLETED";
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
export const ALL_COMPLETED = "ALL_COMPLETED";
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

export interface WaitOptions {
  /** Give up after this many ms (null: never). */
  timeout?: number | null;
  /** When to return (default ALL_COMPLETED). */
  returnWhen?: ReturnWhen;
}

/** Waits for `fs` (Futures or Tasks) as `returnWhen` says; returns [done, pending]. */
export function wait<F extends Future<unknown>>(fs: Iterable<F>, options?: WaitOptions): Coroutine<[Set<F>, Set<F>]> {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError("wait() options must be an object");
  }
  const timeout = options?.timeout ?? null;
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  checkTimeout(timeout, "timeout");
  if (typeof returnWhen !== "string") throw new TypeError(`returnWhen must be a string, got ${describe(returnWhen)}`);
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new RangeError(`Invalid returnWhen value: ${returnWhen}`);
  }
  const list = awaitableList(fs, "wait()", true);
  if (list.length === 0) throw new RangeError("Set of Tasks/Futures is empty.");
  const set = new Set<F>();
  for (const f of list) {
    if (isCoroutine(f)) throw new TypeError("Passing coroutines is forbidden, use tasks explicitly.");
    if (!(f instanceof Future))
      throw new TypeError(
        `wait() expects Futures or Tasks, got ${describe(f)}${f === undefined ? " (a coroutine was passed where an iterable of tasks was expected?)" : ""}`,
      );
    set.add(f as F);
  }
  return tracked(waitSet(set, timeout, returnWhen), "wait");
}

/** The state one wait shares with its done callback. */
interface Waiting {
  waiter: Future<void>;
  counter: number;
  returnWhen: ReturnWhen;
  timer: Handle | null;
}

function* waitSet<F extends Future<unknown>>(
  fs: Set<F>,
  timeout: number | null,
  returnWhen: ReturnWhen,
): Coroutine<[Set<F>, Set<F>]> {
  const loop = getRunningLoop();
  for (const f of fs) if (f._loop !== loop) throw new Error(`wait(): ${f} belongs to a different event loop`);
  yield* waitUntil(loop, fs, timeout, returnWhen);
  const done = new Set<F>();
  const pending = new Set<F>();
  for (const f of fs) (f._state === PENDING ? pending : done).add(f);
  return [done, pending];
}

/** Suspends until `returnWhen` holds for `fs` or `timeout` ms have passed. */
export function* waitUntil(
  loop: EventLoop,
  fs: Iterable<Future<unknown>>,
  timeout: number | null,
  returnWhen: ReturnWhen,
): Coroutine<void> {
  const state: Waiting = { waiter: new Future<void>(loop), counter: 0, returnWhen, timer: null };
  const onDone = (f: Future<unknown>): void => completed(state, f);
  if (timeout !== null) state.timer = loop.callLater(timeout, release, state.waiter);
  for (const f of fs) {
    state.counter++;
    f.addDoneCallback(onDone);
  }
  try {
    yield* state.waiter;
  } finally {
    state.timer?.cancel();
    for (const f of fs) f.removeDoneCallback(onDone);
  }
}

function completed(state: Waiting, f: Future<unknown>): void {
  state.counter--;
  if (
    state.counter <= 0 ||
    state.returnWhen === FIRST_COMPLETED ||
    (state.returnWhen === FIRST_EXCEPTION && failed(f))
  ) {
    state.timer?.cancel();
    release(state.waiter);
  }
}

/** Looks at a done future's exception as asyncio's wait does (which marks it retrieved). */
function failed(f: Future<unknown>): boolean {
  if (f._state === CANCELLED || !f._failed) return false;
  f._retrieved();
  return true;
}

function release(waiter: Future<void>): void {
  if (waiter._state === PENDING) waiter.setResult(undefined);
}
