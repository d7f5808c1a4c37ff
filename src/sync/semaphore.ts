// Semaphore and BoundedSemaphore: a counter of free slots for tasks (asyncio.Semaphore and
// asyncio.BoundedSemaphore, 3.13 semantics).
//
// Owns: the counter and a FIFO of waiter futures. Fairness is asyncio 3.13's: `release()` adds a
// slot and, if a task waits, hands that slot to the first waiter still pending right away (the
// counter is decremented for it as it is woken). A task calling `acquire()` while anyone who is
// not cancelled still waits queues behind them even if the counter is above zero, so nobody
// barges in. A waiter cancelled after it was handed a slot gives the slot back; and every waiter
// leaving acquire() (acquired, cancelled or failed) wakes as many further waiters as there are
// free slots, so slots are never stranded and tasks are served in the order they came.
//
// Cost: an uncontended acquire allocates nothing but its coroutine; a contended one, one Future.
//
// Limits: `locked()` scans past cancelled waiters at the front of the line (like asyncio, O(k)).
// Any task may release, including more times than it acquired (a BoundedSemaphore refuses to go
// above its initial value).

import { CancelledError } from "../errors.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { CANCELLED, FINISHED, Future, PENDING } from "../tasks/future.js";
import { checkCount } from "./checks.js";
import { Deque } from "./deque.js";
import { Acquirable } from "./acquirable.js";
import { addShapeMaker } from "../loop/shapes.js";

/**
 * A semaphore: `value` slots shared by tasks, handed out in FIFO order.
 *
 * `new Semaphore(value = 1)` (a non-negative integer). `yield* sem.acquire()` takes a slot,
 * waiting for one if needed, and returns true; `sem.release()` gives one back; `sem.locked()`
 * tells whether an acquire would wait. Hold a slot with
 * `yield* asyncWith(sem, function* () { … })`, or with `using held = yield* sem.hold();` —
 * `hold()` acquires a slot and returns a Disposable whose `[Symbol.dispose]()` releases it.
 */
export class Semaphore extends Acquirable {
  /** @internal Free slots (not yet handed to a woken waiter). */
  declare _value: number;
  /** @internal Futures of the tasks waiting in acquire(), oldest first (made on first need). */
  declare _waiters: Deque<Future<boolean>> | null;

  constructor(value = 1) {
    super();
    this._value = checkCount(value, "Semaphore value");
    this._waiters = null;
  }

  /** True when `acquire()` would wait: no free slot, or tasks (not cancelled) already waiting. */
  locked(): boolean {
    if (this._value === 0) return true;
    const waiters = this._waiters;
    if (waiters === null) return false;
    for (let i = 0, n = waiters.length; i < n; i++) if (waiters.at(i)._state !== CANCELLED) return true;
    return false;
  }

  /** Takes a slot, waiting in line for one if needed; returns true. */
  *acquire(): Coroutine<true> {
    this._checkLoop();
    if (!this.locked()) {
      this._value--;
      return true;
    }
    const fut = new Future<boolean>(this._getLoop());
    const waiters = (this._waiters ??= new Deque());
    waiters.push(fut);
    try {
      try {
        yield* fut;
      } finally {
        waiters.remove(fut);
      }
    } catch (error) {
      // Handed a slot but not taking it: give the slot back.
      if (error instanceof CancelledError && fut._state === FINISHED) this._value++;
      throw error;
    } finally {
      // Waiters that came while we waited may be owed a slot (FIFO kept them waiting).
      while (this._value > 0 && this._wakeUpNext());
    }
    return true;
  }

  /** Gives a slot back and hands it to the first waiting task, if any. */
  release(): void {
    this._checkLoop();
    this._value++;
    this._wakeUpNext();
  }

  /** @internal Hands a slot to the first waiter still pending; false when there is none. */
  _wakeUpNext(): boolean {
    const waiters = this._waiters;
    if (waiters === null) return false;
    for (let i = 0, n = waiters.length; i < n; i++) {
      const fut = waiters.at(i);
      if (fut._state !== PENDING) continue;
      this._value--;
      fut.setResult(true);
      return true;
    }
    return false;
  }

  override toString(): string {
    const n = this._waiters?.length ?? 0;
    const state = this.locked() ? "locked" : `unlocked, value:${this._value}`;
    return `<${this.constructor.name} [${state}${n > 0 ? `, waiters:${n}` : ""}]>`;
  }
}

/**
 * A Semaphore that refuses to be released above its initial value: `release()` then throws
 * (catching a release without a matching acquire). Same API as Semaphore, `hold()` included.
 */
export class BoundedSemaphore extends Semaphore {
  /** @internal The initial value, which the counter may not exceed. */
  readonly _bound: number;

  constructor(value = 1) {
    super(value);
    this._bound = value;
  }

  /** Gives a slot back; throws if that would make more slots than the semaphore started with. */
  override release(): void {
    if (this._value >= this._bound) throw new RangeError("BoundedSemaphore released too many times");
    super.release();
  }
}

// Twins for loop/shapes.ts.
addShapeMaker(() => [new Semaphore(), new BoundedSemaphore()]);
