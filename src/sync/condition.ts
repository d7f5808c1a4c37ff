// Condition: a condition variable for tasks (asyncio.Condition, 3.13 semantics).
//
// Owns: the futures of the tasks waiting to be notified, over a Lock it shares with whoever
// passed it in (or a new one). `wait()` releases the lock, waits for a notify, then re-acquires
// the lock before returning — and re-acquires it even when cancelled while waiting or while
// re-acquiring, so code after `wait()` (or in its `finally`) always runs holding the lock; the
// cancellation is then re-thrown. If a task leaves `wait()` with an error after it may already
// have been notified, it passes one notification on, so a notify racing a cancellation is never
// lost (at the price of an occasional spurious wake-up, which the condition-variable protocol
// allows: wait in a loop, or use `waitFor`).
//
// Limits: notify/notifyAll must be called with the lock held (checked: they throw otherwise), as
// must `wait` (checked when it runs). Woken tasks run in the order they started waiting, each
// after re-acquiring the lock in turn.

import { CancelledError } from "../errors.js";
import { checkCallback, describe } from "../checks.js";
import type { AsyncContextManager } from "../tasks/async-with.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { Future, PENDING } from "../tasks/future.js";
import { checkAmount } from "./checks.js";
import { Deque } from "./deque.js";
import type { Held } from "./held.js";
import { Lock } from "./lock.js";
import { LoopBound } from "./loop-bound.js";
import { addShapeMaker } from "../loop/shapes.js";

/**
 * A condition variable: tasks wait (holding its lock) until another task notifies them.
 *
 * `new Condition(lock?)` uses `lock` (a Lock, shared) or a new Lock. `acquire`, `release` and
 * `locked` act on that lock; `yield* cond.wait()` (lock held) releases it, waits for
 * `notify(n = 1)` or `notifyAll()`, re-acquires it and returns true; `yield* cond.waitFor(pred)`
 * waits until `pred()` is truthy and returns that value. Hold the lock with
 * `yield* asyncWith(cond, function* () { … })`, or with `using held = yield* cond.hold();` —
 * `hold()` acquires the lock and returns a Disposable whose `[Symbol.dispose]()` releases it.
 */
export class Condition extends LoopBound implements AsyncContextManager<void> {
  /** @internal */ readonly _lock: Lock;
  /** @internal Futures of the tasks waiting for a notify, oldest first. */
  readonly _waiters = new Deque<Future<boolean>>();

  constructor(lock?: Lock | null) {
    super();
    if (lock !== undefined && lock !== null && !(lock instanceof Lock)) {
      throw new TypeError(`Condition needs a Lock (or nothing), got ${describe(lock)}`);
    }
    this._lock = lock ?? new Lock();
  }

  /** True while the underlying lock is held. */
  locked(): boolean {
    return this._lock.locked();
  }

  /** Acquires the underlying lock (see Lock.acquire). */
  acquire(): Coroutine<true> {
    return this._lock.acquire();
  }

  /** Releases the underlying lock; throws if it is not held. */
  release(): void {
    this._lock.release();
  }

  /** Acquires the underlying lock and returns a Disposable that releases it: `using held = yield* cond.hold()`. */
  hold(): Coroutine<Held> {
    return this._lock.hold();
  }

  /** Async context manager entry: acquires the underlying lock. */
  aenter(): Coroutine<void> {
    return this._lock.aenter();
  }

  /** Async context manager exit: releases the underlying lock. */
  aexit(error: unknown): Coroutine<void> {
    return this._lock.aexit(error);
  }

  /**
   * Releases the lock, waits until notified, re-acquires the lock, returns true. Throws if the
   * lock is not held. Cancelled, it still re-acquires the lock before throwing CancelledError.
   */
  *wait(): Coroutine<true> {
    this._checkLoop();
    if (!this._lock.locked()) throw new Error("cannot wait on un-acquired lock");
    const fut = new Future<boolean>(this._getLoop());
    this._lock.release();
    try {
      try {
        this._waiters.push(fut);
        try {
          yield* fut;
          return true;
        } finally {
          this._waiters.remove(fut);
        }
      } finally {
        // Re-acquire even if cancelled; a cancellation while re-acquiring is kept for later.
        let cancelled: CancelledError | null = null;
        for (;;) {
          try {
            yield* this._lock.acquire();
            break;
          } catch (error) {
            // biome-ignore lint/correctness/noUnsafeFinally: as asyncio, an error re-acquiring the lock replaces wait's outcome
            if (!(error instanceof CancelledError)) throw error;
            cancelled = error;
          }
        }
        // biome-ignore lint/correctness/noUnsafeFinally: a cancellation seen while re-acquiring surfaces once the lock is held
        if (cancelled !== null) throw cancelled;
      }
    } catch (error) {
      // We may have been notified before failing: hand that notification to another waiter.
      this._notify(1);
      throw error;
    }
  }

  /**
   * Waits (as `wait`, lock held) until `predicate()` returns a truthy value, checking it first
   * and after each wake-up; returns that value.
   */
  waitFor<R>(predicate: () => R): Coroutine<R> {
    checkCallback(predicate, "predicate");
    return this._waitFor(predicate);
  }

  /** @internal */
  *_waitFor<R>(predicate: () => R): Coroutine<R> {
    let result = predicate();
    while (!result) {
      yield* this.wait();
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiting tasks (default 1); throws if the lock is not held. */
  notify(n = 1): void {
    checkAmount(n, "n");
    this._checkLoop();
    if (!this._lock.locked()) throw new Error("cannot notify on un-acquired lock");
    this._notify(n);
  }

  /** Wakes every waiting task; throws if the lock is not held. */
  notifyAll(): void {
    this.notify(this._waiters.length);
  }

  /** @internal Wakes up to `n` waiters that are not woken yet, oldest first. */
  _notify(n: number): void {
    const waiters = this._waiters;
    let woken = 0;
    for (let i = 0, len = waiters.length; i < len && woken < n; i++) {
      const fut = waiters.at(i);
      if (fut._state !== PENDING) continue;
      woken++;
      fut.setResult(false);
    }
  }

  override toString(): string {
    const n = this._waiters.length;
    return `<Condition [${this._lock.locked() ? "locked" : "unlocked"}${n > 0 ? `, waiters:${n}` : ""}]>`;
  }
}

// A twin for loop/shapes.ts.
addShapeMaker(() => new Condition());
