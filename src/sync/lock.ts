// Lock: a mutual-exclusion lock for tasks (asyncio.Lock, 3.13 semantics).
//
// Owns: the locked flag and a FIFO of waiter futures. Fairness is asyncio's: `release()` only
// clears the flag and wakes the first waiter; that waiter takes the lock when it runs. Until then
// the woken waiter is still first in line, so a task that calls `acquire()` meanwhile queues
// behind it instead of barging in (the lock is taken immediately only when nobody waits, or when
// every waiter has been cancelled). A waiter cancelled after it was woken hands the wake-up on to
// the next waiter, so a cancellation never strands the lock.
//
// Cost: an uncontended acquire allocates no Future; a contended one allocates one. Waiters leave
// the FIFO from its front in O(1).
//
// Limits: not reentrant and not owned: any task may release it (as in asyncio). `locked()` is
// false between a release and the moment the woken waiter runs.

import { CancelledError } from "../errors.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { Future, PENDING } from "../tasks/future.js";
import { Deque } from "./deque.js";
import { Acquirable } from "./acquirable.js";
import { addShapeMaker } from "../loop/shapes.js";

/**
 * A FIFO-fair lock for tasks.
 *
 * - `yield* lock.acquire()` waits for the lock and returns true; `lock.release()` lets the next
 *   waiter in (releasing an unlocked lock throws); `lock.locked()` tells whether it is held.
 * - `yield* asyncWith(lock, function* () { … })` holds it for the body (the async context
 *   manager protocol: `aenter()`/`aexit()`).
 * - `using held = yield* lock.hold();` holds it until the enclosing block ends: `hold()` acquires
 *   and returns a `Disposable` whose `[Symbol.dispose]()` releases the lock (once).
 */
export class Lock extends Acquirable {
  /** @internal */ _locked = false;
  /** @internal Futures of the tasks waiting in acquire(), oldest first (made on first need). */
  _waiters: Deque<Future<boolean>> | null = null;

  /** True while the lock is held. */
  locked(): boolean {
    return this._locked;
  }

  /** Waits until the lock is free and this task is first in line, takes it, returns true. */
  *acquire(): Coroutine<true> {
    this._checkLoop();
    let waiters = this._waiters;
    if (!this._locked && (waiters === null || allCancelled(waiters))) {
      this._locked = true;
      return true;
    }
    const fut = new Future<boolean>(this._getLoop());
    if (waiters === null) waiters = this._waiters = new Deque();
    waiters.push(fut);
    try {
      try {
        yield* fut;
      } finally {
        waiters.remove(fut);
      }
    } catch (error) {
      // Woken (or not) but cancelled: if the lock is free, make sure the next waiter runs.
      if (error instanceof CancelledError && !this._locked) this._wakeUpFirst();
      throw error;
    }
    this._locked = true;
    return true;
  }

  /** Releases the lock and wakes the first waiter; throws if the lock is not held. */
  release(): void {
    if (!this._locked) throw new Error("Lock is not acquired.");
    this._checkLoop();
    this._locked = false;
    this._wakeUpFirst();
  }

  /** @internal Wakes the first waiter unless it is already woken (or cancelled). */
  _wakeUpFirst(): void {
    const first = this._waiters?.peek();
    if (first !== undefined && first._state === PENDING) first.setResult(true);
  }

  override toString(): string {
    const n = this._waiters?.length ?? 0;
    return `<Lock [${this._locked ? "locked" : "unlocked"}${n > 0 ? `, waiters:${n}` : ""}]>`;
  }
}

/** True when every future in `waiters` is cancelled (true for none); stops at the first that is not. */
export function allCancelled(waiters: Deque<Future<unknown>>): boolean {
  for (let i = 0, n = waiters.length; i < n; i++) if (!waiters.at(i).cancelled()) return false;
  return true;
}

// A twin for loop/shapes.ts.
addShapeMaker(() => new Lock());
