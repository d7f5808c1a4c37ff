// The timers a loop scheduled since its last poll, in scheduling order, until the loop hands them
// to the core in one batch. They are kept in fixed-size chunks: a storm of 100,000s of timers in
// one callback appends to the newest chunk and never copies the ones before it, as a growing array
// would at each doubling. After a flush only the first chunk is kept (emptied) for the next batch.
// The loop walks the chunks itself (two passes per flush), so a flush makes no closure.
//
// Limits: a handle cancelled while pending stays in its chunk until the flush skips it (its
// callback and arguments are dropped by the cancel, so it holds nothing but itself).

import type { TimerHandle } from "./handle.js";

const CHUNK = 256;

export class PendingTimers {
  /** How many handles were added since the last `clear()` (cancelled ones included). */
  size = 0;
  /** The chunks, oldest first: every one is full but the last, which holds `lengthOf` its index. */
  readonly chunks: TimerHandle[][] = [new Array<TimerHandle>(CHUNK)];
  private inLast = 0; // used entries of the last chunk

  /** Appends a handle (chunk by chunk, in the order added). */
  add(h: TimerHandle): void {
    const chunks = this.chunks;
    if (this.inLast === CHUNK) {
      chunks.push(new Array<TimerHandle>(CHUNK));
      this.inLast = 0;
    }
    chunks[chunks.length - 1]![this.inLast++] = h;
    this.size++;
  }

  /** How many handles chunk `i` holds. */
  lengthOf(i: number): number {
    return i === this.chunks.length - 1 ? this.inLast : CHUNK;
  }

  /** Cancels every handle (a closing loop's timers that never reached the core), then clears. */
  cancelAll(): void {
    const chunks = this.chunks;
    for (let c = 0; c < chunks.length; c++) for (let j = 0, n = this.lengthOf(c); j < n; j++) chunks[c]![j]!.cancel();
    this.clear();
  }

  /** Forgets every handle, keeping the first chunk (emptied) for the next batch. */
  clear(): void {
    const chunks = this.chunks;
    chunks[0]!.fill(undefined as unknown as TimerHandle, 0, this.lengthOf(0));
    chunks.length = 1;
    this.inLast = 0;
    this.size = 0;
  }
}
