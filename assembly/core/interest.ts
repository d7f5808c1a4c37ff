// The fd interest table, kept directly as the `poll_oneoff` subscription array so that polling
// never rebuilds it. Slot 0 is reserved for the clock subscription; slots 1..count hold one
// fd_read or fd_write subscription per (fd, direction) of interest. Removal moves the last slot
// into the hole, so add and remove are O(1) and the array stays dense.
//
// A subscription's userdata is fd * 2 + direction (0 read, 1 write); the clock's is all ones.
// An (fd, direction) the provider cannot poll is taken out of the array into the sticky list,
// with the errno to report (0 for an fd that is always ready, such as a regular file): `poll`
// reports it on every call without asking the provider, until its interest is removed. `watch`
// checks each fd it adds with `fd_fdstat_get`: no such fd (sticky with its errno), a regular
// file (sticky, ready), or anything else (an ordinary subscription).
//
// Limits: level-triggered (an fd stays ready until drained); fds are 0 <= fd < 2^24.

import { grow, nextCapacity } from "./buffers";
import { ERRNO_BADF, ERRNO_INVAL, EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE, fdCheck } from "./wasi";

export const SUBSCRIPTION: usize = 48;
export const MAX_FD: i32 = 1 << 24;

export let subsPtr: usize = 0; // subscription array, slot 0 = clock
export let fdSubCount: i32 = 0; // subscriptions in slots 1..fdSubCount
let subsCap: i32 = 0; // slots, including the clock's
let slotPtr: usize = 0; // per fd: i32 read slot, i32 write slot (0 = none, -k = sticky entry k - 1)
let fdCap: i32 = 0;
export let stickyPtr: usize = 0; // sticky entries: i32 fd, i32 direction, i32 errno
export let stickyCount: i32 = 0;
let stickyCap: i32 = 0;
export const STICKY: usize = 12;

/** Makes sure the subscription array has room for `slots` slots (it may move). */
function reserveSlots(slots: i32): void {
  if (slots <= subsCap) return;
  const cap = nextCapacity(subsCap, slots);
  subsPtr = grow(subsPtr, <usize>cap * SUBSCRIPTION);
  subsCap = cap;
}

function reserveFds(fd: i32): void {
  if (fd < fdCap) return;
  const cap = nextCapacity(fdCap, fd + 1);
  slotPtr = grow(slotPtr, <usize>cap << 3);
  memory.fill(slotPtr + (<usize>fdCap << 3), 0, <usize>(cap - fdCap) << 3);
  fdCap = cap;
}

@inline function slotOf(fd: i32, dir: i32): i32 {
  return load<i32>(slotPtr + (<usize>fd << 3) + (<usize>dir << 2));
}
@inline function setSlotOf(fd: i32, dir: i32, slot: i32): void {
  store<i32>(slotPtr + (<usize>fd << 3) + (<usize>dir << 2), slot);
}

/** Ensures capacity for the subscription array before the first poll. */
export function initInterest(): void {
  reserveSlots(1);
}

/** Removes every interest and sticky entry at once; keeps the buffers for reuse. */
export function resetInterest(): void {
  memory.fill(slotPtr, 0, <usize>fdCap << 3);
  fdSubCount = 0;
  stickyCount = 0;
}

function subscribe(fd: i32, dir: i32): void {
  const slot = fdSubCount + 1;
  reserveSlots(slot + 1);
  const p = subsPtr + <usize>slot * SUBSCRIPTION;
  memory.fill(p, 0, SUBSCRIPTION);
  store<u64>(p, (<u64>fd << 1) | <u64>dir);
  store<u8>(p, dir == 0 ? EVENTTYPE_FD_READ : EVENTTYPE_FD_WRITE, 8);
  store<u32>(p, <u32>fd, 16);
  fdSubCount = slot;
  setSlotOf(fd, dir, slot);
  const check = fdCheck(fd);
  if (check != 0) makeSticky(slot, check < 0 ? 0 : check);
}

function unsubscribe(fd: i32, dir: i32): void {
  const slot = slotOf(fd, dir);
  const last = fdSubCount;
  if (slot != last) {
    const from = subsPtr + <usize>last * SUBSCRIPTION;
    memory.copy(subsPtr + <usize>slot * SUBSCRIPTION, from, SUBSCRIPTION);
    const ud = load<u64>(from);
    setSlotOf(<i32>(ud >> 1), <i32>(ud & 1), slot);
  }
  setSlotOf(fd, dir, 0);
  fdSubCount = last - 1;
}

/** Moves the subscription in `slot` to the sticky list, to be reported with `errno` (0: ready). */
export function makeSticky(slot: i32, errno: i32): void {
  const ud = load<u64>(subsPtr + <usize>slot * SUBSCRIPTION);
  const fd = <i32>(ud >> 1), dir = <i32>(ud & 1);
  unsubscribe(fd, dir);
  if (stickyCount == stickyCap) {
    stickyCap = nextCapacity(stickyCap, stickyCount + 1);
    stickyPtr = grow(stickyPtr, <usize>stickyCap * STICKY);
  }
  const p = stickyPtr + <usize>stickyCount * STICKY;
  store<i32>(p, fd);
  store<i32>(p, dir, 4);
  store<i32>(p, errno, 8);
  stickyCount++;
  setSlotOf(fd, dir, -stickyCount);
}

function unstick(fd: i32, dir: i32): void {
  const k = -slotOf(fd, dir) - 1;
  const last = --stickyCount;
  if (k != last) {
    const from = stickyPtr + <usize>last * STICKY;
    memory.copy(stickyPtr + <usize>k * STICKY, from, STICKY);
    setSlotOf(load<i32>(from), load<i32>(from, 4), -(k + 1));
  }
  setSlotOf(fd, dir, 0);
}

/**
 * Sets the interest of `fd` to `mask` (bit 0 read, bit 1 write; 0 removes both).
 * Returns 0, or -8 (WASI EBADF) for an fd outside [0, 2^24) and -28 (EINVAL) for a bad mask.
 */
export function watch(fd: i32, mask: i32): i32 {
  if (fd < 0 || fd >= MAX_FD) return -ERRNO_BADF;
  if (mask < 0 || mask > 3) return -ERRNO_INVAL;
  reserveFds(fd);
  for (let dir = 0; dir < 2; dir++) {
    const want = (mask >> dir) & 1;
    const have = slotOf(fd, dir) != 0;
    if (want && !have) subscribe(fd, dir);
    else if (!want && have) {
      if (slotOf(fd, dir) < 0) unstick(fd, dir);
      else unsubscribe(fd, dir);
    }
  }
  return 0;
}

/** The current interest mask of `fd` (0 when none or out of range). */
export function interestOf(fd: i32): i32 {
  if (fd < 0 || fd >= fdCap) return 0;
  return (slotOf(fd, 0) != 0 ? 1 : 0) | (slotOf(fd, 1) != 0 ? 2 : 0);
}
