// The event loop for WASI commands written in AssemblyScript, on the same core as wasio's
// TypeScript loop (assembly/core): one loop per program (module-level state), a FIFO ready queue,
// timers in the core's heap, fd interest in the core's subscription array, one `poll_oneoff` per
// iteration.
//
// An iteration: poll (waiting only when the ready queue is empty), queue the callbacks of the
// ready fds and the due timers, then run the callbacks that were queued when the pass began
// (callbacks they schedule run in the next iteration, as in asyncio).
//
// Errors: trouble the provider reports for one fd (a bad fd, an fd it cannot poll) reaches that
// fd's callback as its `error` argument; other fds and timers go on. A poll that fails as a whole
// with no fd to blame ends `run` with that errno. Nothing here traps on I/O.
//
// Limits: level-triggered (a ready fd's callback runs every iteration until it reads, writes or
// removes itself); one reader and one writer per fd (adding replaces); fds 0 <= fd < 2^24.

import { Callback, FdCallback, Handle } from "./handle";
import { initInterest, interestOf, watch } from "../core/interest";
import { TIMER_BATCH, poll, pollTimers, readyBuffer } from "../core/poll";
import { timerAdd, timerCancel } from "../core/timers";
import { monotonicMs } from "../core/wasi";

const WOULD_BLOCK_FOREVER: i32 = -16;

initInterest();

const queue = new Array<Handle>();
let head: i32 = 0;
const timers = new Array<Handle | null>(); // by core timer id
const readers = new Array<Handle | null>(); // by fd
const writers = new Array<Handle | null>(); // by fd
let stopping = false;
let running = false;

/** The loop's monotonic clock, in ms (the time `callAt` deadlines are on). */
export function time(): f64 {
  return monotonicMs();
}

/** Queues `callback(data)` to run in the next pass of the loop (FIFO). */
export function callSoon(callback: Callback, data: usize = 0): Handle {
  const h = Handle.soon(callback, data);
  queue.push(h);
  return h;
}

/** Runs `callback(data)` at loop time `when` (ms, see `time()`); equal times run in call order. */
export function callAt(when: f64, callback: Callback, data: usize = 0): Handle {
  if (isNaN(when)) throw new RangeError("callAt: the time is NaN");
  const h = Handle.soon(callback, data);
  const id = timerAdd(when);
  while (timers.length <= id) timers.push(null);
  timers[id] = h;
  h.timerId = id;
  return h;
}

/** Runs `callback(data)` `delayMs` ms from now (a negative delay counts as 0). */
export function callLater(delayMs: f64, callback: Callback, data: usize = 0): Handle {
  if (isNaN(delayMs)) throw new RangeError("callLater: the delay is NaN");
  return callAt(time() + (delayMs > 0 ? delayMs : 0), callback, data);
}

/** Cancels a callback from `callSoon`, `callAt` or `callLater`; cancelling twice is harmless. */
export function cancel(handle: Handle): void {
  handle.cancelled = true;
  const id = handle.timerId;
  if (id >= 0) {
    timerCancel(id);
    timers[id] = null;
    handle.timerId = -1;
  }
}

function setFd(table: Array<Handle | null>, fd: i32, bit: i32, h: Handle | null): i32 {
  if (fd < 0 || fd >= (1 << 24)) return 8; // EBADF
  while (table.length <= fd) table.push(null);
  const old = table[fd];
  if (old !== null) old.cancelled = true;
  table[fd] = h;
  const mask = h !== null ? interestOf(fd) | bit : interestOf(fd) & ~bit;
  return -watch(fd, mask);
}

/**
 * Calls `callback(fd, error, data)` whenever `fd` is readable (or in error), until removed.
 * Replaces the fd's previous reader. Returns 0, or 8 (EBADF) for an fd outside [0, 2^24).
 */
export function addReader(fd: i32, callback: FdCallback, data: usize = 0): i32 {
  return setFd(readers, fd, 1, Handle.forFd(fd, callback, data));
}

/** Like `addReader`, for writability. */
export function addWriter(fd: i32, callback: FdCallback, data: usize = 0): i32 {
  return setFd(writers, fd, 2, Handle.forFd(fd, callback, data));
}

/** Stops watching `fd` for reading; true when it had a reader. */
export function removeReader(fd: i32): bool {
  const had = fd >= 0 && fd < readers.length && readers[fd] !== null;
  if (had) setFd(readers, fd, 1, null);
  return had;
}

/** Stops watching `fd` for writing; true when it had a writer. */
export function removeWriter(fd: i32): bool {
  const had = fd >= 0 && fd < writers.length && writers[fd] !== null;
  if (had) setFd(writers, fd, 2, null);
  return had;
}

/** Makes `run` return after the current pass (callbacks already queued run next time). */
export function stop(): void {
  stopping = true;
}

/** Queues the callbacks of `n` ready entries; returns how many of them were timers. */
function dispatch(n: i32): i32 {
  const base = readyBuffer();
  let timerEntries = 0;
  for (let i = 0; i < n; i++) {
    const e = base + (<usize>i << 4);
    const kind = load<i32>(e);
    const id = load<i32>(e, 4);
    if (kind == 0) {
      timerEntries++;
      const h = id < timers.length ? timers[id] : null;
      if (h === null) continue;
      timers[id] = null;
      h.timerId = -1;
      queue.push(h);
    } else {
      const table = kind == 1 ? readers : writers;
      const h = id < table.length ? table[id] : null;
      if (h === null) continue;
      h.error = load<i32>(e, 8) >>> 16;
      queue.push(h);
    }
  }
  return timerEntries;
}

/** Runs the callbacks queued before this pass began. */
function runPass(): void {
  const end = queue.length;
  while (head < end) {
    const h = queue[head++];
    h.fire();
  }
  if (head == queue.length) {
    queue.length = 0;
    head = 0;
  }
}

/**
 * Runs the loop until `stop()` is called or nothing is left to do (no queued callback, no timer,
 * no fd of interest). Returns 0 then, or the WASI errno of a poll that failed with no fd to blame.
 */
export function run(): i32 {
  if (running) throw new Error("run: the loop is already running");
  running = true;
  let status = 0;
  while (true) {
    const idle = head == queue.length && !stopping;
    const n = poll(idle ? -1 : 0);
    if (n == WOULD_BLOCK_FOREVER) {
      if (idle) break;
    } else if (n < 0) {
      status = -n;
      break;
    } else if (n > 0) {
      let t = dispatch(n);
      while (t == TIMER_BATCH) t = dispatch(pollTimers());
    }
    runPass();
    if (stopping) break;
  }
  stopping = false;
  running = false;
  return status;
}
