// One loop iteration's wait: build the clock subscription for the nearest deadline (or the
// caller's timeout, whichever is sooner), call `poll_oneoff` once over the persistent
// subscription array, then write the ready fds and the expired timers into the ready buffer.
//
// Ready entries (ready.ts) are four i32 each: [kind, id, flags, nbytes]. kind READY_TIMER: id =
// timer id; READY_READ / READY_WRITE: id = fd (the kind is also the direction's interest bit);
// flags = errno << 16 | eventrwflags (bit 0 hangup); nbytes is the event's byte count clamped to 2^31 - 1. Fd entries come first (in the order the
// provider reported them), then timers in (deadline, sequence) order, at most TIMER_BATCH per call.
//
// Limits: zero subscriptions (no fd of interest and no deadline, infinite timeout) cannot wait;
// poll returns POLL_WOULD_BLOCK_FOREVER (-16, WASI EDEADLK) without calling the provider.

import { grow, nextCapacity } from "./buffers";
import { CLOCK_MONOTONIC, ERRNO_DEADLK, EVENTTYPE_CLOCK, monotonicMs, poll_oneoff } from "./wasi";
import { SUBSCRIPTION, fdSubCount, subsPtr } from "./interest";
import { timerNext, timerPopExpired } from "./timers";
import { READY_READ, READY_WRITE } from "./ready";

/** At most this many expired timers per poll or poll_timers call (exported: the host reads it). */
export const TIMER_BATCH: i32 = 4096;
/** poll's result when there is nothing to wait for and no limit: waiting would block forever. */
export const POLL_WOULD_BLOCK_FOREVER: i32 = -ERRNO_DEADLK;
const EVENT: usize = 32;
const CLOCK_USERDATA: u64 = 0xffff_ffff_ffff_ffff;
const MAX_TIMEOUT_NS: f64 = 4.0e18; // ~127 years: "forever" for a clock subscription

let eventsPtr: usize = 0;
let eventsCap: i32 = 0;
let readyPtr: usize = 0;
let readyCap: i32 = 0;
const neventsScratch = memory.data(4, 4);
let lastNow: f64 = 0;

/** Where the ready entries of the last poll start (it moves when the buffer grows). */
export function readyBuffer(): usize {
  return readyPtr;
}

/** The monotonic time (ms) the last poll used to expire timers (polls without timers skip it). */
export function polledAt(): f64 {
  return lastNow;
}

function reserve(nsubs: i32): void {
  if (nsubs > eventsCap) {
    eventsCap = nextCapacity(eventsCap, nsubs);
    eventsPtr = grow(eventsPtr, <usize>eventsCap * EVENT);
  }
  const need = nsubs + TIMER_BATCH;
  if (need > readyCap) {
    readyCap = nextCapacity(readyCap, need);
    readyPtr = grow(readyPtr, <usize>readyCap << 4);
  }
}

/**
 * Waits at most `timeoutMs` (negative: no limit but the nearest timer) for the fds of interest,
 * then collects ready fds and expired timers. Returns the number of ready entries, or a negative
 * WASI errno (-16 when there is nothing to wait for and no limit).
 */
export function poll(timeoutMs: f64): i32 {
  // The clock is read only when it matters: before waiting (to bound the wait by the nearest
  // deadline) and after (to expire timers). With no timers, or a zero timeout, a read is skipped.
  const next = timerNext();
  const timers = next != Infinity;
  let wait = timeoutMs < 0 ? Infinity : timeoutMs;
  if (wait > 0 && timers) {
    const until = next - monotonicMs();
    if (until < wait) wait = until > 0 ? until : 0;
  }
  const clock = wait != Infinity;
  const nsubs = fdSubCount + (clock ? 1 : 0);
  if (nsubs == 0) return POLL_WOULD_BLOCK_FOREVER;
  reserve(nsubs + 1);
  let n = 0;
  if (!(wait == 0 && fdSubCount == 0)) {
    let first = subsPtr + SUBSCRIPTION;
    if (clock) {
      first = subsPtr;
      const ns = Math.ceil(wait * 1e6); // rounding up: a wait never ends before its deadline
      store<u64>(subsPtr, CLOCK_USERDATA);
      store<u64>(subsPtr, 0, 8); // tag = clock, padding
      store<u32>(subsPtr, CLOCK_MONOTONIC, 16);
      store<u32>(subsPtr, 0, 20);
      store<u64>(subsPtr, ns > MAX_TIMEOUT_NS ? <u64>MAX_TIMEOUT_NS : <u64>ns, 24);
      store<u64>(subsPtr, 0, 32); // precision
      store<u64>(subsPtr, 0, 40); // flags: relative
    }
    store<u32>(neventsScratch, 0);
    const err = poll_oneoff(first, eventsPtr, <u32>nsubs, neventsScratch);
    if (err != 0) return -(<i32>err);
    const nevents = <i32>load<u32>(neventsScratch);
    for (let i = 0; i < nevents; i++) {
      const e = eventsPtr + <usize>i * EVENT;
      const ud = load<u64>(e);
      const type = load<u8>(e, 10);
      if (type == EVENTTYPE_CLOCK || ud == CLOCK_USERDATA) continue;
      const out = readyPtr + (<usize>n << 4);
      const nbytes = load<u64>(e, 16);
      store<i32>(out, <i32>(ud & 1) == 0 ? READY_READ : READY_WRITE);
      store<i32>(out, <i32>(ud >> 1), 4);
      store<i32>(out, (<i32>load<u16>(e, 8) << 16) | <i32>load<u16>(e, 24), 8);
      store<i32>(out, nbytes > 0x7fff_ffff ? 0x7fff_ffff : <i32>nbytes, 12);
      n++;
    }
  }
  if (!timers) return n;
  const now = monotonicMs();
  lastNow = now;
  return n + timerPopExpired(now, readyPtr + (<usize>n << 4), TIMER_BATCH);
}

/**
 * Pops up to TIMER_BATCH more timers due at the last poll's clock reading into the ready buffer
 * (from its start), without polling fds again: after a poll that filled its timer batch, the host
 * calls this until it returns less than TIMER_BATCH, so every timer due at one poll is queued in
 * that iteration (as asyncio moves all due timers at once). Returns how many it wrote.
 */
export function pollTimers(): i32 {
  return timerPopExpired(lastNow, readyPtr, TIMER_BATCH);
}
