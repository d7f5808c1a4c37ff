// Event: a flag tasks can wait for (asyncio.Event).
//
// Owns: the flag and the futures of the tasks waiting for it to be set. `set()` wakes every
// waiter at once (they run in the order they started waiting); a waiter woken by `set()` returns
// true even if `clear()` ran before it got to run — a wake-up is never lost.
//
// Cost: `wait()` on a set event allocates nothing; each waiting task costs one Future.
//
// Limits: no timeout of its own: wrap `wait()` in `waitFor(…, ms)` or `timeout(ms)`.

import type { Coroutine } from "../tasks/coroutine.js";
import { Future, PENDING } from "../tasks/future.js";
import { Deque } from "./deque.js";
import { LoopBound } from "./loop-bound.js";
import { addShapeMaker } from "../loop/shapes.js";

/**
 * A flag that tasks can wait for: `yield* event.wait()` returns true once `event.set()` has been
 * called; `clear()` lowers the flag again and `isSet()` reads it.
 */
export class Event extends LoopBound {
  /** @internal */ _value = false;
  /** @internal Futures of the waiting tasks, oldest first. */
  readonly _waiters = new Deque<Future<boolean>>();

  /** True while the flag is set. */
  isSet(): boolean {
    return this._value;
  }

  /** Sets the flag and wakes every waiting task; tasks that wait later do not block. */
  set(): void {
    this._checkLoop();
    if (this._value) return;
    this._value = true;
    const waiters = this._waiters;
    for (let i = 0, n = waiters.length; i < n; i++) {
      const fut = waiters.at(i);
      if (fut._state === PENDING) fut.setResult(true);
    }
  }

  /** Lowers the flag: tasks that wait from now on block until the next `set()`. */
  clear(): void {
    this._value = false;
  }

  /** Returns true at once if the flag is set; otherwise waits until `set()` is called. */
  *wait(): Coroutine<true> {
    this._checkLoop();
    if (this._value) return true;
    const fut = new Future<boolean>(this._getLoop());
    this._waiters.push(fut);
    try {
      yield* fut;
      return true;
    } finally {
      this._waiters.remove(fut);
    }
  }

  override toString(): string {
    const n = this._waiters.length;
    return `<Event [${this._value ? "set" : "unset"}${n > 0 ? `, waiters:${n}` : ""}]>`;
  }
}

// A twin for loop/shapes.ts.
addShapeMaker(() => new Event());
