// The timers a loop scheduled since its last poll, in scheduling order, until the loop hands them
// to the core in one batch. They are kept in fixed-size chunks: a storm of 100,000s of timers in
// one callback appends to the newest chunk and never copies the ones before it, as a growing array
// would at each doubling. After a flush only the newest chunk is kept (emptied) for the next batch.
//
// Limits: a handle cancelled while pending stays in its chunk until the flush skips it (its
// callback and arguments are dropped by the cancel, so it holds nothing but itself).

import type { TimerHandle } from "./handle.js";

const CHUNK = 256;

export class PendingTimers {
  /** How many handles were added since the last `clear()` (cancelled ones included). */
  size = 0;
  private full: TimerHandle[][] = []; // filled chunks, oldest first
  private last: TimerHandle[] = new Array<TimerHandle>(CHUNK);
  private inLast = 0; // used entries of `last`

  /** Appends a handle (the order is the order `forEach` sees). */
  add(h: TimerHandle): void {
    if (this.inLast === CHUNK) {
      this.full.push(this.last);
      this.last = new Array<TimerHandle>(CHUNK);
      this.inLast = 0;
    }
    this.last[this.inLast++] = h;
    this.size++;
  }

  /** Calls `fn` for each handle in the order added; `fn` must not add. */
  forEach(fn: (h: TimerHandle) => void): void {
    for (const chunk of this.full) for (let j = 0; j < CHUNK; j++) fn(chunk[j]!);
    const last = this.last;
    for (let j = 0; j < this.inLast; j++) fn(last[j]!);
  }

  /** Forgets every handle, keeping one chunk for the next batch. */
  clear(): void {
    if (this.full.length !== 0) this.full = [];
    this.last.fill(undefined as unknown as TimerHandle, 0, this.inLast);
    this.inLast = 0;
    this.size = 0;
  }
}
