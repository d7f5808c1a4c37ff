// A `poll_oneoff` for hosts whose readiness lives in JavaScript: it answers from an FdTable what
// is ready now, one event per ready fd subscription, and leaves the clock subscription to the
// host (which either jumps a simulated clock or records how long to wait).

import type { FdTable } from "./fd-table.js";
import { ERRNO_BADF, ERRNO_SUCCESS } from "./errno.js";
import {
  EVENTTYPE_CLOCK,
  EVENTTYPE_FD_READ,
  EVENT_SIZE,
  FD_READWRITE_HANGUP,
  SUBSCRIPTION_SIZE,
  getU64,
  setU64,
} from "./wasi-abi.js";

/** What the shim found in one call, besides the events it wrote. */
export interface PollScan {
  /** Events written. */
  count: number;
  /** The clock subscription's timeout in ms (relative), or -1 when there was none. */
  clockMs: number;
  /** Offset of the clock subscription (to write its event), or -1. */
  clockAt: number;
}

/**
 * The clock a scan reads only for an absolute clock subscription (wasio's core writes relative
 * ones, so its polls read no clock here: a read is ~50 ns on Node, ~90 ns on Deno).
 */
export interface ScanClock {
  now(): number;
}

/** Scans `nsubs` subscriptions at `subs`, writing fd events at `events`. */
export function scanSubscriptions(
  view: DataView,
  table: FdTable,
  subs: number,
  events: number,
  nsubs: number,
  clock: ScanClock,
  scan: PollScan,
): void {
  let count = 0;
  scan.clockMs = -1;
  scan.clockAt = -1;
  for (let i = 0; i < nsubs; i++) {
    const at = subs + i * SUBSCRIPTION_SIZE;
    const type = view.getUint8(at + 8);
    if (type === EVENTTYPE_CLOCK) {
      const ns = getU64(view, at + 24);
      const absolute = (view.getUint16(at + 40, true) & 1) === 1;
      scan.clockMs = absolute ? Math.max(0, ns / 1e6 - clock.now()) : ns / 1e6;
      scan.clockAt = at;
      continue;
    }
    const fd = view.getUint32(at + 16, true);
    const res = table.get(fd);
    let errno = ERRNO_SUCCESS,
      nbytes = 0,
      flags = 0;
    if (res === undefined) errno = ERRNO_BADF;
    else {
      const reading = type === EVENTTYPE_FD_READ;
      errno = res.takeError();
      if (errno === ERRNO_SUCCESS) {
        if (!(reading ? res.readReady() : res.writeReady())) continue;
        nbytes = reading ? res.readableBytes() : 0;
      }
      if (res.hungUp()) flags = FD_READWRITE_HANGUP;
    }
    writeEventAt(view, events + count * EVENT_SIZE, at, type, errno, nbytes, flags);
    count++;
  }
  scan.count = count;
}

/** Writes the event answering the subscription at `sub`. */
export function writeEventAt(
  view: DataView,
  at: number,
  sub: number,
  type: number,
  errno: number,
  nbytes: number,
  flags: number,
): void {
  view.setUint32(at, view.getUint32(sub, true), true);
  view.setUint32(at + 4, view.getUint32(sub + 4, true), true);
  view.setUint16(at + 8, errno, true);
  view.setUint8(at + 10, type);
  setU64(view, at + 16, nbytes);
  view.setUint16(at + 24, flags, true);
}

/**
 * A DataView over a memory that is re-made when the memory grows. Growing a memory detaches its
 * old buffer (byteLength 0), so a check of the cached buffer's length replaces a call of the
 * memory's `buffer` getter on every use.
 */
export class MemoryView {
  private view: DataView | null = null;
  private buf: ArrayBuffer | null = null;
  constructor(private readonly memory: () => WebAssembly.Memory) {}
  get(): DataView {
    if (this.buf === null || this.buf.byteLength === 0) {
      this.buf = this.memory().buffer;
      this.view = new DataView(this.buf);
    }
    return this.view!;
  }
}
