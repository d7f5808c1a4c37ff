// Handles: what `callSoon`, `callLater`, `callAt`, `addReader` and `addWriter` return. A handle
// holds a callback and its arguments until it runs or is cancelled; cancelling drops both, so a
// cancelled timer keeps nothing alive. A timer handle is four fields (callback, core id, deadline
// block and slot): the fewer, the less the young-generation collector copies per live timer.
// Internal callbacks (task steps, future wake-ups) skip handles entirely and go on the ready queue
// as (function, argument) pairs.

import type { EventLoop } from "./event-loop.js";
import { contextsOn, runInContextOf } from "./context.js";

/**
 * A callback with the arguments it was scheduled with, as `Handle._callback` holds it when there
 * are any (a class no caller can make, so never a user's value).
 */
class BoundCall {
  constructor(
    readonly fn: (...args: any[]) => unknown,
    readonly args: unknown[],
  ) {}

  run(): void {
    const args = this.args;
    if (args.length === 1) this.fn(args[0]);
    else this.fn(...args);
  }
}

export class Handle {
  /**
   * @internal The callback, or a BoundCall when it has arguments; null once cancelled (one field
   * for both: a program may hold 100,000s of timer handles, and every field is 8 bytes of each).
   * Set by the constructor, not an initializer: V8 does not inline a base constructor with
   * initializers into its subclasses'.
   */
  declare _callback: ((...args: any[]) => unknown) | BoundCall | null;

  /** @internal Use loop.callSoon() and the like. */
  constructor(callback: (...args: any[]) => unknown, loop: EventLoop) {
    if (typeof callback !== "function") throw new TypeError("a Handle needs a callback function");
    if (typeof loop !== "object" || loop === null || typeof (loop as { _soon?: unknown })._soon !== "function")
      throw new TypeError("a Handle needs its EventLoop");
    this._callback = callback;
  }

  /** @internal Binds the arguments `args[from…]` to the callback (none: nothing changes). */
  _setArgs(args: ArrayLike<unknown>, from: number): void {
    const cb = this._callback;
    if (args.length > from && typeof cb === "function")
      this._callback = new BoundCall(cb, Array.prototype.slice.call(args, from));
  }

  /** Stops the callback from running; does nothing if it already ran or was cancelled. */
  cancel(): void {
    this._callback = null;
  }

  cancelled(): boolean {
    return this._callback === null;
  }

  /** @internal Runs the callback (the loop catches what it throws). */
  _run(): void {
    const cb = this._callback!;
    if (typeof cb === "function") cb();
    else cb.run();
  }

  /** A short description for messages: the callback's name. */
  toString(): string {
    const cb = this._callback;
    const fn = cb instanceof BoundCall ? cb.fn : cb;
    const kind = this instanceof TimerHandle ? "TimerHandle" : "Handle";
    return `<${kind} ${fn === null ? "cancelled" : `${fn.name || "anonymous"}()`}>`;
  }
}

/**
 * A handle whose callback takes exactly one argument, kept in a field of its own: the common case
 * (`callSoon(fut.setResult, value)`) then costs one field, not a BoundCall and its array. Made by
 * callSoon; a Handle to everyone else.
 */
export class ArgHandle extends Handle {
  /** @internal The argument; dropped when the handle is cancelled. */
  declare _arg: unknown;

  /** @internal */
  constructor(callback: (arg: any) => unknown, arg: unknown, loop: EventLoop) {
    super(callback, loop);
    this._arg = arg;
  }

  override cancel(): void {
    super.cancel();
    this._arg = undefined;
  }

  override _run(): void {
    (this._callback as (arg: unknown) => unknown)(this._arg);
  }
}

const DEADLINE_BLOCK = 128;

/**
 * Deadlines of one loop's timers, unboxed, filled in scheduling order. A float field
 * in each handle would be a separate boxed number, one more object for the garbage collector to
 * copy for each of the 100,000s of timers a program may hold; the block also carries the loop,
 * so a timer handle is four fields. A block is collected once none of its handles is reachable:
 * a handle kept for long keeps its block (about 1 KiB) with it. Slots are never reused, so
 * `when()` stays exact after the timer fired or was cancelled.
 */
export class DeadlineBlock extends Float64Array {
  used = 0;
  constructor(readonly loop: EventLoop) {
    super(DEADLINE_BLOCK);
  }
}

export class TimerHandle extends Handle {
  /**
   * @internal The core's timer id while in the core's heap; PENDING_TIMER while waiting to be
   * added with the next batch (see EventLoop.flushTimers); -1 once fired or cancelled.
   */
  declare _id: number;
  /** @internal The block holding the deadline (at `_slot`) and the loop. */
  declare _block: DeadlineBlock;
  /** @internal */ declare _slot: number;

  /** @internal */
  constructor(when: number, callback: (...args: any[]) => unknown, loop: EventLoop) {
    if (typeof when !== "number") throw new TypeError("a TimerHandle needs its deadline (ms)");
    super(callback, loop);
    let block = loop._deadlines;
    if (block === null || block.used === DEADLINE_BLOCK) block = loop._deadlines = new DeadlineBlock(loop);
    const slot = block.used++;
    block[slot] = when;
    this._id = -1;
    this._block = block;
    this._slot = slot;
  }

  /** The loop time (ms) at which the callback is due. */
  when(): number {
    return this._block[this._slot]!;
  }

  override cancel(): void {
    if (this._id !== -1) this._block.loop._timerCancelled(this);
    super.cancel();
  }
}

/**
 * A timer handle whose callback takes exactly one argument, kept in a field of its own, as in
 * ArgHandle: the common case for timers (a sleep's future, a timeout's state). Made by
 * callLater/callAt; a TimerHandle to everyone else.
 */
export class ArgTimerHandle extends TimerHandle {
  /** @internal The argument; dropped when the timer is cancelled. */
  declare _arg: unknown;

  /** @internal */
  constructor(when: number, callback: (arg: any) => unknown, arg: unknown, loop: EventLoop) {
    super(when, callback, loop);
    this._arg = arg;
  }

  override cancel(): void {
    super.cancel();
    this._arg = undefined;
  }

  override _run(): void {
    (this._callback as (arg: unknown) => unknown)(this._arg);
  }
}

/** TimerHandle._id of a timer scheduled but not yet handed to the core. */
export const PENDING_TIMER = -2;

/** Runs a public handle from the ready queue unless it was cancelled. */
export function runHandle(handle: Handle): void {
  if (handle._callback === null) return;
  if (contextsOn) runInContextOf(handle, () => handle._run());
  else handle._run();
}
