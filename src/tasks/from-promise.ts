// fromPromise: await a host promise (any PromiseLike) inside a coroutine.
//
//   const text = yield* fromPromise(fetch(url).then((r) => r.text()));
//
// The promise settles in the host's world (a microtask), outside any loop iteration; its outcome
// is posted to the loop with `_soonThreadsafe`, which also wakes a loop waiting in its host, and
// the future the task waits on is settled from the loop's ready queue on the next pass.
//
// No dangling state: the promise's callbacks hold only a small link object, and the link drops
// the future as soon as the coroutine stops waiting (result, error or cancellation), so a
// cancelled wait on a promise that never settles keeps nothing of the task alive, and a settlement
// after the cancel, or after the loop closed, posts nothing. A rejection is always handled (never
// an unhandled rejection), even when nobody waits any more.
//
// With a factory, `fromPromise((signal) => …)`, the factory's signal aborts when the wait ends
// before the promise settled: the task was cancelled (reason: its CancelledError) or closed.
//
// Limits: a promise settles only when the host's own event loop turns, so under `runSync` (which
// never yields to the host) a task waiting on a promise can never be woken: the blocking driver
// reports a deadlock. Use the async `run()` (any host, VirtualHost included) for such code.

import { getRunningLoop } from "../loop/running.js";
import { describe } from "../checks.js";
import type { Coroutine } from "./coroutine.js";
import { tracked } from "./debug-coroutines.js";
import { Future, PENDING } from "./future.js";
import { cheapCancelledError } from "../errors.js";

/** What the promise's callbacks see of the waiting coroutine. */
interface PromiseLink {
  /** The future the task waits on; null once nobody waits. */
  fut: Future<unknown> | null;
  settled: boolean;
  ok: boolean;
  value: unknown;
}

/**
 * Awaits the host promise `p` inside a task: returns its value or throws its rejection reason.
 * Given a factory instead, calls it (when the coroutine starts) with an AbortSignal that aborts
 * if the wait ends before the promise settles (the task was cancelled): `fromPromise((signal) =>
 * fetch(url, { signal }))` stops the request when the task is cancelled.
 */
export function fromPromise<T>(p: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Coroutine<T> {
  if (typeof p === "function" && typeof (p as { then?: unknown }).then !== "function")
    return tracked(awaitFactory(p as (signal: AbortSignal) => PromiseLike<T>), "fromPromise");
  checkThenable(p, "fromPromise() needs a promise (a thenable) or a function returning one");
  return tracked(awaitPromise(p as PromiseLike<T>, null), "fromPromise");
}

/** True for a promise or any other thenable (an object or function with a `then` method). */
export function isThenable(x: unknown): boolean {
  return (
    x !== null &&
    (typeof x === "object" || typeof x === "function") &&
    typeof (x as PromiseLike<unknown>).then === "function"
  );
}

function checkThenable(p: unknown, what: string): void {
  if (!isThenable(p)) throw new TypeError(`${what}, got ${describe(p)}`);
}

function* awaitFactory<T>(factory: (signal: AbortSignal) => PromiseLike<T>): Coroutine<T> {
  const controller = new AbortController();
  const p = factory(controller.signal);
  checkThenable(p, "the fromPromise() factory must return a promise (a thenable)");
  return yield* awaitPromise(p, controller);
}

function* awaitPromise<T>(p: PromiseLike<T>, controller: AbortController | null): Coroutine<T> {
  const loop = getRunningLoop();
  const fut = new Future<T>(loop);
  const link: PromiseLink = { fut, settled: false, ok: false, value: undefined };
  p.then(
    (value) => settle(link, true, value),
    (reason) => settle(link, false, reason),
  );
  let error: unknown;
  try {
    return yield* fut;
  } catch (e) {
    error = e;
    throw e;
  } finally {
    link.fut = null;
    link.value = undefined;
    if (controller !== null && !link.settled)
      controller.abort(error ?? cheapCancelledError("the awaiting coroutine was closed"));
  }
}

/** Runs in the host's world: post the outcome to the loop, unless nobody waits any more. */
function settle(link: PromiseLink, ok: boolean, value: unknown): void {
  if (link.settled) return;
  link.settled = true;
  const fut = link.fut;
  if (fut === null || fut._state !== PENDING || fut._loop.isClosed()) return;
  link.ok = ok;
  link.value = value;
  fut._loop._soonThreadsafe(deliver, link);
}

/** Runs on the loop: settle the future the task waits on. */
function deliver(link: PromiseLink): void {
  const fut = link.fut;
  const value = link.value;
  link.value = undefined;
  if (fut === null || fut._state !== PENDING) return;
  if (link.ok) fut.setResult(value);
  else fut._fail(value);
}
