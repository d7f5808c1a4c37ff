// Timeout: a deadline for a block of code — asyncio.timeout / timeout_at (CPython 3.11+).
//
//   yield* asyncWith(timeout(10), function* (cm) { … });   // TimeoutError after 10 ms
//
// Entering records the current task and how many cancellation requests it already has. When the
// deadline passes, the task is cancelled (an ordinary cancel(), so the body's cleanup runs). On
// exit, if the timeout fired, one cancellation request is taken back with `uncancel()`; if no other
// request remains beyond those present at entry and the body ended with a CancelledError, that
// error becomes a TimeoutError (its `cause` is the CancelledError). So nested timeouts work (only
// the one that fired converts) and a cancellation from outside is never turned into a timeout:
// it keeps propagating as a CancelledError.
//
// States: created → entered → (expiring → expired | exited). `reschedule` works only while entered.
//
// Limits: a body that fails with its own error while the timeout is expiring propagates that error
// unchanged (CPython 3.13 also splices a TimeoutError into the error's __context__ chain; JavaScript
// errors have no implicit context chain). A Timeout is entered once.

import { TimeoutError, CancelledError } from "../errors.js";
import type { Handle } from "../loop/handle.js";
import { getRunningLoop } from "../loop/running.js";
import { checkTimeout } from "./arguments.js";
import type { AsyncContextManager } from "./async-with.js";
import type { Coroutine } from "./coroutine.js";
import type { Task } from "./task.js";
import { addShapeMaker } from "../loop/shapes.js";

const CREATED = 0;
const ENTERED = 1;
const EXPIRING = 2;
const EXPIRED = 3;
const EXITED = 4;
const STATE_NAMES = ["created", "active", "expiring", "expired", "finished"];

export class Timeout implements AsyncContextManager<Timeout> {
  /** @internal */ _state = CREATED;
  /** @internal */ _when: number | null;
  /** @internal The pending expiry callback, if any. */
  _handle: Handle | null = null;
  /** @internal The task the timeout cancels. */
  _task: Task<unknown> | null = null;
  /** @internal The task's cancelling() at entry. */
  _cancelling = 0;

  /** A timeout that expires at loop time `when` (ms); null never expires (until rescheduled). */
  constructor(when: number | null) {
    checkTimeout(when, "when");
    this._when = when ?? null;
  }

  /** The deadline (loop time, ms), or null. */
  when(): number | null {
    return this._when;
  }

  /** Moves the deadline to loop time `when` (null: none); only while the timeout is entered. */
  reschedule(when: number | null): void {
    checkTimeout(when, "when");
    if (this._state !== ENTERED) {
      if (this._state === CREATED) throw new Error("Timeout has not been entered");
      throw new Error(`Cannot change state of ${STATE_NAMES[this._state]} Timeout`);
    }
    this._when = when ?? null;
    this._handle?.cancel();
    this._handle = null;
    if (when === null || when === undefined) return;
    const loop = this._task!._loop;
    this._handle = when <= loop.time() ? loop.callSoon(expire, this) : loop.callAt(when, expire, this);
  }

  /** True once the deadline has passed while the timeout was entered. */
  expired(): boolean {
    return this._state === EXPIRING || this._state === EXPIRED;
  }

  *aenter(): Coroutine<Timeout> {
    if (this._state !== CREATED) throw new Error("Timeout has already been entered");
    const task = getRunningLoop()._currentTask;
    if (task === null) throw new Error("Timeout should be used inside a task");
    this._state = ENTERED;
    this._task = task;
    this._cancelling = task.cancelling();
    this.reschedule(this._when);
    return this;
  }

  *aexit(error: unknown): Coroutine<boolean | void> {
    this._handle?.cancel();
    this._handle = null;
    if (this._state === EXPIRING) {
      this._state = EXPIRED;
      // No cancellation request is left but ours (and those from before entry): ours to handle.
      if (this._task!.uncancel() <= this._cancelling && error instanceof CancelledError) {
        throw new TimeoutError(undefined, { cause: error });
      }
    } else if (this._state === ENTERED) {
      this._state = EXITED;
    }
  }

  toString(): string {
    const when = this._state === ENTERED ? ` when=${this._when}` : "";
    return `<Timeout [${STATE_NAMES[this._state]}]${when}>`;
  }
}

/** The expiry callback: cancel the task and remember that we did. */
function expire(cm: Timeout): void {
  cm._handle = null;
  cm._state = EXPIRING;
  cm._task!.cancel();
}

/** A Timeout `delay` ms from now on the running loop (null: no deadline). */
export function timeout(delay: number | null): Timeout {
  checkTimeout(delay, "delay");
  if (delay === null || delay === undefined) return new Timeout(null);
  return new Timeout(getRunningLoop().time() + delay);
}

/** A Timeout at loop time `when` (ms; null: no deadline). */
export function timeoutAt(when: number | null): Timeout {
  return new Timeout(when);
}

// A twin for loop/shapes.ts.
addShapeMaker(() => new Timeout(null));
