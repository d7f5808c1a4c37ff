// One loop iteration's wait: build the clock subscription for the nearest deadline (or the
// caller's timeout, whichever is sooner), call `poll_oneoff` once over the persistent
// subscription array, then write the ready fds and the expired timers into the ready buffer.
//
// Ready entries (ready.ts) are four i32 each: [kind, id, flags, nbytes]. kind READY_TIMER: id =
// timer id; READY_READ / READY_WRITE: id = fd (the kind is also the direction's interest bit);
// flags = errno << 16 | eventrwflags (bit 0 hangup); nbytes is the event's byte count clamped to
// 2^31 - 1. Fd entries come first (in the order the provider reported them), then timers in (deadline, sequence) order, at most TIMER_BATCH per call.
//
// Provider trouble is pinned on the fd that caused it, never on the whole loop: when
// `poll_oneoff` fails as a whole (wasmtime: EBADF for one bad fd) or answers with an event that
// names no subscription (node:wasi: an all-zero event for a bad fd), each fd subscription is
// probed: `fd_fdstat_get`, then a poll of it alone with a zero timeout. An fd whose probe fails
// becomes sticky (see interest.ts) with that errno, except EPERM (node:wasi cannot poll regular files and /dev/null), which becomes an
// always-ready fd, as poll(2) treats regular files. Sticky fds make every poll a zero wait.
//
// A provider that rounds clock timeouts down (node:wasi truncates them to whole ms) wakes before
// the deadline it was given. The first time a timer wait ends early with only the clock event,
// later timeouts are rounded up to whole ms plus one, so a timer costs at most one extra poll
// (once), not a spin, at the price of up to 2 ms of lateness on that provider.
//
// Limits: zero subscriptions (no fd of interest and no deadline, infinite timeout) cannot wait;
// poll returns POLL_WOULD_BLOCK_FOREVER (-16, WASI EDEADLK) without calling the provider.

import { grow, nextCapacity } from "./buffers";
import { CLOCK_MONOTONIC, ERRNO_BADF, ERRNO_DEADLK, ERRNO_PERM, EVENTTYPE_CLOCK, fdCheck, monotonicMs, poll_oneoff } from "./wasi";
import { STICKY, SUBSCRIPTION, fdSubCount, makeSticky, stickyCount, stickyPtr, subsPtr } from "./interest";
import { timerNext, timerPopExpired } from "./timers";
import { READY_READ, READY_WRITE } from "./ready";

/** At most this many expired timers per poll or poll_timers call (exported: the host reads it). */
export const TIMER_BATCH: i32 = 4096;
/** poll's result when there is nothing to wait for and no limit: waiting would block forever. */
export const POLL_WOULD_BLOCK_FOREVER: i32 = -ERRNO_DEADLK;
const EVENT: usize = 32;
const CLOCK_USERDATA: u64 = 0xffff_ffff_ffff_ffff;
const MAX_TIMEOUT_NS: f64 = 4.0e18; // ~127 years: "forever" for a clock subscription
const NOT_BLAMED: i32 = -1;

let eventsPtr: usize = 0;
let eventsCap: i32 = 0;
let readyPtr: usize = 0;
let readyCap: i32 = 0;
const neventsScratch = memory.data(4, 4);
let lastNow: f64 = 0;
let roundsDown = false; // the provider was seen to wake a clock wait early
const probeSubs = memory.data(<i32>SUBSCRIPTION * 2, 8);
const probeEvents = memory.data(<i32>EVENT * 2, 8);

/** Forgets what polling learnt: the last clock reading and whether the provider rounds down. */
export function resetPoll(): void {
  lastNow = 0;
  roundsDown = false;
}

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
  const need = nsubs + stickyCount + TIMER_BATCH;
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
  let timerWait = false;
  if (stickyCount > 0) wait = 0; // sticky fds are ready now
  else if (wait > 0 && timers) {
    const until = next - monotonicMs();
    if (until < wait) { wait = until > 0 ? until : 0; timerWait = true; }
  }
  const clock = wait != Infinity;
  const nsubs = fdSubCount + (clock ? 1 : 0);
  if (nsubs == 0) return POLL_WOULD_BLOCK_FOREVER;
  reserve(nsubs + 1);
  let n = 0;
  let clockFired = false;
  if (!(wait == 0 && fdSubCount == 0)) {
    let first = subsPtr + SUBSCRIPTION;
    if (clock) {
      first = subsPtr;
      // Rounded up: a wait never ends before its deadline. For a provider that rounds down to
      // whole ms, one ms more: node:wasi also starts its timer on a clock truncated to whole ms.
      const ns = roundsDown ? (wait > 0 ? (Math.ceil(wait) + 1) * 1e6 : 0) : Math.ceil(wait * 1e6);
      writeClock(subsPtr, ns);
    }
    store<u32>(neventsScratch, 0);
    const err = poll_oneoff(first, eventsPtr, <u32>nsubs, neventsScratch);
    let unnamed = false;
    if (err == 0) {
      const nevents = <i32>load<u32>(neventsScratch);
      for (let i = 0; i < nevents; i++) {
        const e = eventsPtr + <usize>i * EVENT;
        const ud = load<u64>(e);
        if (ud == CLOCK_USERDATA) { clockFired = true; continue; }
        if (load<u8>(e, 10) == EVENTTYPE_CLOCK) { unnamed = true; continue; }
        writeEntry(readyPtr + (<usize>n << 4), e);
        n++;
      }
    }
    if (err != 0 || unnamed) {
      n = fdSubCount > 0 ? probe() : NOT_BLAMED;
      if (n == NOT_BLAMED) return err != 0 ? -(<i32>err) : 0;
    }
  }
  for (let k = 0; k < stickyCount; k++) {
    const p = stickyPtr + <usize>k * STICKY;
    const out = readyPtr + (<usize>n << 4);
    store<i32>(out, READY_READ + load<i32>(p, 4)); // direction 0 read, 1 write
    store<i32>(out, load<i32>(p), 4);
    store<i32>(out, load<i32>(p, 8) << 16, 8);
    store<i32>(out, 0, 12);
    n++;
  }
  if (!timers) return n;
  const now = monotonicMs();
  lastNow = now;
  if (timerWait && clockFired && n == 0 && now + 0.001 < next) roundsDown = true;
  return n + timerPopExpired(now, readyPtr + (<usize>n << 4), TIMER_BATCH);
}

function writeClock(sub: usize, ns: f64): void {
  store<u64>(sub, CLOCK_USERDATA);
  store<u64>(sub, 0, 8); // tag = clock, padding
  store<u32>(sub, CLOCK_MONOTONIC, 16);
  store<u32>(sub, 0, 20);
  store<u64>(sub, ns > MAX_TIMEOUT_NS ? <u64>MAX_TIMEOUT_NS : <u64>ns, 24);
  store<u64>(sub, 0, 32); // precision
  store<u64>(sub, 0, 40); // flags: relative
}

/** Writes the ready entry of fd event `e` at `out`. */
function writeEntry(out: usize, e: usize): void {
  const ud = load<u64>(e);
  const nbytes = load<u64>(e, 16);
  store<i32>(out, <i32>(ud & 1) == 0 ? READY_READ : READY_WRITE);
  store<i32>(out, <i32>(ud >> 1), 4);
  store<i32>(out, (<i32>load<u16>(e, 8) << 16) | <i32>load<u16>(e, 24), 8);
  store<i32>(out, nbytes > 0x7fff_ffff ? 0x7fff_ffff : <i32>nbytes, 12);
}

/**
 * After a poll the provider failed or answered with an event naming no subscription: polls each
 * fd subscription alone (zero timeout), writes the ready ones as entries, and makes the ones that
 * fail sticky (see the top of the file). Returns the entries written, or NOT_BLAMED when no fd
 * failed alone.
 */
function probe(): i32 {
  let n = 0;
  let blamed = 0;
  // Downwards: making slot i sticky moves the last slot (already probed) into it.
  for (let slot = fdSubCount; slot >= 1; slot--) {
    const sub = subsPtr + <usize>slot * SUBSCRIPTION;
    const ud = load<u64>(sub);
    let errno = fdCheck(<i32>(ud >> 1));
    if (errno < 0) errno = ERRNO_PERM; // a regular file: always ready
    const before = n;
    if (errno == 0) {
      writeClock(probeSubs, 0);
      memory.copy(probeSubs + SUBSCRIPTION, sub, SUBSCRIPTION);
      store<u32>(neventsScratch, 0);
      errno = <i32>poll_oneoff(probeSubs, probeEvents, 2, neventsScratch);
    }
    if (errno == 0) {
      const nevents = <i32>load<u32>(neventsScratch);
      for (let i = 0; i < nevents && i < 2; i++) {
        const e = probeEvents + <usize>i * EVENT;
        const eud = load<u64>(e);
        if (eud == CLOCK_USERDATA) continue;
        if (eud != ud || load<u8>(e, 10) == EVENTTYPE_CLOCK) { errno = ERRNO_BADF; break; }
        writeEntry(readyPtr + (<usize>n << 4), e);
        n++;
      }
    }
    if (errno != 0) {
      n = before;
      blamed++;
      makeSticky(slot, errno == ERRNO_PERM ? 0 : errno);
    }
  }
  return blamed > 0 ? n : NOT_BLAMED;
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
