// The TypeScript face of the AssemblyScript core (assembly/, ABI in docs/abi.md): one instance
// per event loop at a time, its WASI imports bound to the loop's host. Everything that crosses the
// boundary is a number; the ready entries of a poll are read straight from the core's linear
// memory.
//
// The module is compiled once per realm from bytes embedded in the bundle (no file or network
// access at start-up) and instantiated synchronously, so `new EventLoop()` stays synchronous. A
// closed loop releases its instance for the next loop to reuse (instance-pool.ts).

import type { Host } from "../hosts/host.js";
import { type CoreExports, type CoreInstance, giveBack, takeInstance } from "./instance-pool.js";
import { ERRNO_DEADLK } from "../hosts/errno.js";

/** Ready entry kinds (first word of an entry; assembly/core/ready.ts). */
export const READY_TIMER = 0;
export const READY_READ = 1;
export const READY_WRITE = 2;
/** Interest bits of `watch` masks. */
export const INTEREST_READ = 1;
export const INTEREST_WRITE = 2;
/**
 * Rule the loop relies on: an fd entry's kind is the interest bit of its direction, so it can
 * pass a kind where a mask bit is expected. This line stops compiling if the values drift apart.
 */
export const READY_KIND_IS_INTEREST_BIT: [typeof READY_READ, typeof READY_WRITE] extends [
  typeof INTEREST_READ,
  typeof INTEREST_WRITE,
]
  ? true
  : never = true;
/** The poll result meaning "nothing to wait for and no deadline: this would block forever". */
export const POLL_WOULD_BLOCK_FOREVER = -ERRNO_DEADLK;

export class Core {
  readonly exports: CoreExports;
  /** At most this many expired timers come out of one poll (then `poll_timers` gives more). */
  readonly timerBatch: number;
  private instance: CoreInstance | null; // null once released
  private i32View: Int32Array;
  private f64View: Float64Array;
  private stagedPtr = 0; // the staging area of the last stageTimers (it moves only when it grows)

  constructor(host: Host) {
    const instance = takeInstance(host);
    this.instance = instance;
    this.exports = instance.exports;
    this.timerBatch = this.exports.TIMER_BATCH.value;
    const buffer = this.exports.memory.buffer;
    this.i32View = new Int32Array(buffer);
    this.f64View = new Float64Array(buffer);
  }

  /**
   * Gives the instance back for another loop (instance-pool.ts): call it once nothing will use
   * this Core again (its loop is closed). A second call does nothing.
   */
  release(): void {
    const instance = this.instance;
    if (instance === null) return;
    this.instance = null;
    giveBack(instance);
  }

  /** An Int32Array over all of memory (re-made only after memory grew). */
  i32(): Int32Array {
    const buf = this.exports.memory.buffer;
    if (this.i32View.buffer !== buf) this.i32View = new Int32Array(buf);
    return this.i32View;
  }

  /** A Float64Array over all of memory (re-made only after memory grew). */
  f64(): Float64Array {
    const buf = this.exports.memory.buffer;
    if (this.f64View.buffer !== buf) this.f64View = new Float64Array(buf);
    return this.f64View;
  }

  /**
   * Makes room to add up to `n` timers in one call; returns the index in `f64()` where the host writes
   * their deadlines, in scheduling order, before `addStagedTimers(n)`.
   */
  stageTimers(n: number): number {
    this.stagedPtr = this.exports.timer_staging(n);
    return this.stagedPtr >>> 3;
  }

  /**
   * Adds the first `n` timers staged by the last `stageTimers(m)` (n <= m: the area serves any
   * smaller batch); returns the index in `i32()` of their ids, in the same order.
   */
  addStagedTimers(n: number): number {
    this.exports.timer_add_staged(n);
    return (this.stagedPtr + n * 8) >>> 2;
  }

  /** Cancels a live timer. */
  cancelTimer(id: number): void {
    this.exports.timer_cancel(id);
  }

  /** Sets the interest mask of `fd` (1 read, 2 write). */
  watch(fd: number, mask: number): void {
    const r = this.exports.watch(fd, mask);
    if (r < 0) throw new RangeError(`core rejected fd ${fd} (errno ${-r})`);
  }

  /**
   * Polls with `timeoutMs` (negative: until the nearest timer or an fd). Returns the number of
   * ready entries (read them from `i32()` at `readyIndex()`), or a negative WASI errno.
   */
  poll(timeoutMs: number): number {
    return this.exports.poll(timeoutMs);
  }

  /** The index in `i32()` of the first ready entry of the last poll. */
  readyIndex(): number {
    return this.exports.ready_buffer() >>> 2;
  }
}
