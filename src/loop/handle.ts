// Handles: what `callSoon`, `callLater`, `callAt`, `addReader` and `addWriter` return. A handle
// holds a callback and its arguments until it runs or is cancelled; cancelling drops both, so a
// cancelled timer keeps nothing alive. Internal callbacks (task steps, future wake-ups) skip
// handles entirely and go on the ready queue as (function, argument) pairs.

import type { EventLoop } from "./event-loop.js";

export class Handle {
  /** @internal */ _callback: ((...args: any[]) => unknown) | null;
  /** @internal */ _args: unknown[] | null;
  /** @internal The single argument of an internal callback (used when `_args` is null). */
  _arg: unknown = undefined;
  /** @internal */ _cancelled = false;
  /** @internal */ readonly _loop: EventLoop;

  /** @internal */
  constructor(callback: (...args: any[]) => unknown, args: unknown[] | null, loop: EventLoop) {
    this._callback = callback;
    this._args = args;
    this._loop = loop;
  }

  /** Stops the callback from running; does nothing if it already ran or was cancelled. */
  cancel(): void {
    if (this._cancelled) return;
    this._cancelled = true;
    this._callback = null;
    this._args = null;
    this._arg = undefined;
  }

  cancelled(): boolean {
    return this._cancelled;
  }

  /** @internal Runs the callback (the loop catches what it throws). */
  _run(): void {
    const cb = this._callback!;
    const args = this._args;
    if (args === null) cb(this._arg);
    else cb(...args);
  }

  /** A short description for messages: the callback's name. */
  toString(): string {
    const name = this._callback?.name || "anonymous";
    return `<${this.constructor.name} ${this._cancelled ? "cancelled" : name}()>`;
  }
}

export class TimerHandle extends Handle {
  /** @internal The core's timer id while scheduled, -1 once fired or cancelled. */
  _id = -1;
  /** @internal */ readonly _when: number;

  /** @internal */
  constructor(when: number, callback: (...args: any[]) => unknown, args: unknown[] | null, loop: EventLoop) {
    super(callback, args, loop);
    this._when = when;
  }

  /** The loop time (ms) at which the callback is due. */
  when(): number {
    return this._when;
  }

  override cancel(): void {
    if (this._cancelled) return;
    if (this._id >= 0) this._loop._timerCancelled(this);
    super.cancel();
  }
}

/** Runs a public handle from the ready queue unless it was cancelled. */
export function runHandle(handle: Handle): void {
  if (!handle._cancelled) handle._run();
}
