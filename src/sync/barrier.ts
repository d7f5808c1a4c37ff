// Barrier: `parties` tasks wait for each other, then all go on together (asyncio.Barrier,
// 3.11–3.13 semantics).
//
// Owns: a state machine over a Condition. FILLING: tasks arrive and wait; the arrival that makes
// `parties` switches to DRAINING and wakes them all; each leaves with a distinct index (the
// last to arrive leaves first with parties - 1, the others count down to 0); when the last one
// has left, the barrier is FILLING again for the next round. Tasks arriving while it drains wait
// for the next round. `reset()` sends the tasks waiting now out with BrokenBarrierError
// (RESETTING until they have left) and then fills again; `abort()` breaks the barrier for good
// (BROKEN): every waiting and future `wait()` throws BrokenBarrierError, until a `reset()`.
//
// Limits: a task cancelled while waiting just leaves (the others keep waiting, `nWaiting` drops),
// as in asyncio; it does not break the barrier as threading.Barrier would.

import { BrokenBarrierError } from "../errors.js";
import { describe } from "../checks.js";
import type { AsyncContextManager } from "../tasks/async-with.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { Condition } from "./condition.js";
import { LoopBound } from "./loop-bound.js";
import { addShapeMaker } from "../loop/shapes.js";

const FILLING = 0;
const DRAINING = 1;
const RESETTING = 2;
const BROKEN = 3;
const STATE_NAMES = ["filling", "draining", "resetting", "broken"];

/**
 * A barrier for `parties` tasks: `yield* barrier.wait()` returns once `parties` tasks are
 * waiting, each with a distinct index in 0 … parties - 1. `yield* barrier.reset()` sends the
 * current waiters out with BrokenBarrierError and starts over; `yield* barrier.abort()` breaks
 * it (every wait throws BrokenBarrierError until a reset). Getters: `parties`, `nWaiting`,
 * `broken`. As an async context manager, `aenter()` waits and yields the index.
 */
export class Barrier extends LoopBound implements AsyncContextManager<number> {
  /** @internal */ readonly _cond = new Condition();
  /** @internal */ readonly _parties: number;
  /** @internal FILLING, DRAINING, RESETTING or BROKEN. */
  _state = FILLING;
  /** @internal Tasks inside wait() (arrived and not yet left). */
  _count = 0;

  constructor(parties: number) {
    super();
    if (typeof parties !== "number")
      throw new TypeError(`parties must be a positive integer, got ${describe(parties)}`);
    if (!Number.isInteger(parties) || parties < 1)
      throw new RangeError(`parties must be a positive integer, got ${parties}`);
    this._parties = parties;
  }

  /** How many tasks must wait for the barrier to let them through. */
  get parties(): number {
    return this._parties;
  }

  /** How many tasks are waiting now (0 while draining, resetting or broken). */
  get nWaiting(): number {
    return this._state === FILLING ? this._count : 0;
  }

  /** True once `abort()` broke the barrier (until `reset()`). */
  get broken(): boolean {
    return this._state === BROKEN;
  }

  /**
   * Waits until `parties` tasks are waiting, then returns this task's index: its arrival order
   * in the round, 0 … parties - 1. Throws BrokenBarrierError if the barrier is reset or aborted meanwhile, or
   * is broken.
   */
  *wait(): Coroutine<number> {
    this._checkLoop();
    const cond = this._cond;
    yield* cond.acquire();
    try {
      // Wait out a draining or resetting round.
      yield* cond.waitFor(() => this._state !== DRAINING && this._state !== RESETTING);
      if (this._state === BROKEN) throw new BrokenBarrierError("Barrier aborted");
      try {
        const arrived = this._count++;
        if (arrived + 1 === this._parties) {
          this._state = DRAINING;
          cond.notifyAll();
        } else {
          yield* cond.waitFor(() => this._state !== FILLING);
          if (this._state === BROKEN || this._state === RESETTING) {
            throw new BrokenBarrierError("Abort or reset of barrier");
          }
        }
        return arrived;
      } finally {
        this._count--;
        this._exit();
      }
    } finally {
      cond.release();
    }
  }

  /** Sends the tasks waiting now out with BrokenBarrierError and starts a new round (un-breaks it). */
  *reset(): Coroutine<void> {
    this._checkLoop();
    const cond = this._cond;
    yield* cond.acquire();
    try {
      if (this._count > 0) {
        this._state = RESETTING;
      } else {
        this._state = FILLING;
      }
      cond.notifyAll();
    } finally {
      cond.release();
    }
  }

  /** Breaks the barrier: waiting and later `wait()` calls throw BrokenBarrierError (until `reset()`). */
  *abort(): Coroutine<void> {
    this._checkLoop();
    const cond = this._cond;
    yield* cond.acquire();
    try {
      this._state = BROKEN;
      cond.notifyAll();
    } finally {
      cond.release();
    }
  }

  /** Async context manager entry: waits at the barrier and yields the index. */
  aenter(): Coroutine<number> {
    return this.wait();
  }

  /** Async context manager exit: nothing to undo. */
  // eslint-disable-next-line require-yield
  *aexit(_error: unknown): Coroutine<void> {}

  /** @internal The last task out of a draining or resetting round starts a new one. */
  _exit(): void {
    if (this._count !== 0) return;
    if (this._state === RESETTING || this._state === DRAINING) {
      this._state = FILLING;
    }
    this._cond.notifyAll();
  }

  override toString(): string {
    let text = STATE_NAMES[this._state];
    if (this._state !== BROKEN) text += `, waiters:${this.nWaiting}/${this._parties}`;
    return `<Barrier [${text}]>`;
  }
}

// A twin for loop/shapes.ts.
addShapeMaker(() => new Barrier(1));
