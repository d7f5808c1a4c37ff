// Batched timer additions: the host writes the deadlines of the timers scheduled since the last
// poll into a staging area and adds them with one call, instead of one boundary crossing per
// timer. Ids come back in the same area, in the same order, and sequence numbers follow that
// order, so equal deadlines still fire in scheduling order.
//
// Layout of the staging area for n timers: n f64 deadlines, then n i32 ids (written by the core).

import { grow, nextCapacity } from "./buffers";
import { timerAdd } from "./timers";

let stagingPtr: usize = 0;
let stagingCap: i32 = 0;

/** Returns a staging area with room for `n` timers (it moves when it grows). */
export function timerStaging(n: i32): usize {
  if (n > stagingCap) {
    stagingCap = nextCapacity(stagingCap, n);
    stagingPtr = grow(stagingPtr, <usize>stagingCap * 12);
  }
  return stagingPtr;
}

/** Adds the `n` timers whose deadlines are in the staging area; writes their ids after them. */
export function timerAddStaged(n: i32): void {
  if (n > stagingCap) unreachable();
  const ids = stagingPtr + (<usize>n << 3);
  for (let i = 0; i < n; i++) {
    store<i32>(ids + (<usize>i << 2), timerAdd(load<f64>(stagingPtr + (<usize>i << 3))));
  }
}
