// An O(changed + ready) poll_oneoff for hosts whose resources report their readiness changes.
//
// A scan of every subscription on every poll makes a loop iteration cost grow with the fds it
// watches (9 ns per idle fd per iteration was measured with 10,000 idle listeners). Instead the
// host mirrors the loop's interest masks (`setInterest`) and keeps a list of candidate fds: those
// whose resource said "my readiness changed", those whose interest changed, and those that were
// ready at the last poll (readiness is level-triggered, so they stay candidates until found not
// ready). A poll checks only the candidates and writes their events with the userdata the core
// gives its subscriptions (fd * 2 + direction, docs/abi.md), so the events are exactly what a
// full scan would write, and the core's own scan is over events only.
//
// Limits: only for wasio's own core (it relies on the core's userdata convention and on the
// loop mirroring every interest change); every resource must report its changes, or it is
// never seen ready. A host with resources that do not report (the VirtualHost's pipes) must have
// them checked on every poll (src/hosts/sim/sim-ready-list.ts).

import type { FdTable, Resource } from "./fd-table.js";
import { ERRNO_BADF, ERRNO_SUCCESS } from "./errno.js";
import {
  EVENTTYPE_CLOCK,
  EVENTTYPE_FD_READ,
  EVENTTYPE_FD_WRITE,
  EVENT_SIZE,
  FD_READWRITE_HANGUP,
  getU64,
} from "./wasi-abi.js";
import type { PollScan, ScanClock } from "./poll-shim.js";

export class ReadyList {
  private readonly interest: number[] = []; // fd → mask mirrored from the loop
  private readonly queued: number[] = []; // fd → 1 while on `candidates`
  // Candidates fill `candidates` up to `count`; a scan reads them while new ones go to `spare`
  // (the arrays are reused, never shortened).
  private candidates: number[] = [];
  private count = 0;
  private spare: number[] = [];
  // The memory as 32-bit words (for writing events), made again when the memory is replaced.
  private wordsBuffer: ArrayBufferLike | null = null;
  private words: Int32Array | null = null;

  /** Records the interest mask of `fd` and makes it a candidate. */
  setInterest(fd: number, mask: number): void {
    this.interest[fd] = mask;
    this.touch(fd);
  }

  /** Makes `fd` a candidate for the next poll (its readiness may have changed). */
  touch(fd: number): void {
    if (fd < 0 || this.queued[fd] === 1) return;
    this.queued[fd] = 1;
    this.candidates[this.count++] = fd;
  }

  /** True when no fd is a candidate: a poll now would report no fd. */
  get empty(): boolean {
    return this.count === 0;
  }

  /**
   * True when a scan now might report an fd: a candidate with interest is ready, or is a
   * resource `mayBeReady` cannot judge without side effects (it says so by returning true).
   */
  mayReport(table: FdTable): boolean {
    const list = this.candidates;
    for (let i = 0; i < this.count; i++) {
      const fd = list[i];
      const mask = this.interest[fd] | 0;
      if (mask !== 0 && this.mayBeReady(table.get(fd), mask)) return true;
    }
    return false;
  }

  /** Whether `res` might be reported for `mask`; by default any resource might. */
  protected mayBeReady(_res: Resource | undefined, _mask: number): boolean {
    return true;
  }

  /** The memory behind `view` as 32-bit words; null on a big-endian platform. */
  private wordsOf(view: DataView): Int32Array | null {
    const buffer = view.buffer;
    if (buffer !== this.wordsBuffer) {
      this.wordsBuffer = buffer;
      this.words = LITTLE_ENDIAN ? new Int32Array(buffer, 0, buffer.byteLength >> 2) : null;
    }
    return this.words;
  }

  /**
   * Answers one poll_oneoff call: the clock from the first subscription (`clock` is read only when
   * it is absolute), fds from candidates.
   */
  scan(view: DataView, table: FdTable, subs: number, events: number, clock: ScanClock, out: PollScan): void {
    out.clockMs = -1;
    out.clockAt = -1;
    if (view.getUint8(subs + 8) === EVENTTYPE_CLOCK) {
      const ns = getU64(view, subs + 24);
      const absolute = (view.getUint16(subs + 40, true) & 1) === 1;
      out.clockMs = absolute ? Math.max(0, ns / 1e6 - clock.now()) : ns / 1e6;
      out.clockAt = subs;
    }
    const words = (events & 3) === 0 ? this.wordsOf(view) : null;
    const list = this.candidates;
    const n = this.count;
    this.candidates = this.spare;
    this.count = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const fd = list[i];
      this.queued[fd] = 0;
      const mask = this.interest[fd] | 0;
      if (mask === 0) continue;
      const res = table.get(fd);
      if (res === undefined) {
        for (let dir = 0; dir < 2; dir++)
          if ((mask & (1 << dir)) !== 0)
            putEvent(view, words, events + count++ * EVENT_SIZE, fd * 2 + dir, ERRNO_BADF, 0, 0);
        continue;
      }
      // The pending error goes with the first direction asked for, whether or not it is ready.
      let errno = res.takeError();
      let ready = false;
      if ((mask & 1) !== 0 && (errno !== ERRNO_SUCCESS || res.readReady())) {
        const nbytes = errno === ERRNO_SUCCESS ? res.readableBytes() : 0;
        putEvent(
          view,
          words,
          events + count++ * EVENT_SIZE,
          fd * 2,
          errno,
          nbytes,
          res.hungUp() ? FD_READWRITE_HANGUP : 0,
        );
        errno = ERRNO_SUCCESS;
        ready = true;
      }
      if ((mask & 2) !== 0 && (errno !== ERRNO_SUCCESS || res.writeReady())) {
        putEvent(
          view,
          words,
          events + count++ * EVENT_SIZE,
          fd * 2 + 1,
          errno,
          0,
          res.hungUp() ? FD_READWRITE_HANGUP : 0,
        );
        ready = true;
      }
      if (ready) this.touch(fd);
    }
    this.spare = list;
    out.count = count;
  }
}

/** True where typed arrays store little-endian, as WASI memory is (nearly every platform). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Writes one fd event: userdata `fd * 2 + dir` (dir 1: writing), `errno` and the type in one
 * word (the byte after them is padding), `nbytes` (at most 2^32 - 1) and the flags (a word: the
 * two bytes after them are padding too). Through 32-bit words of the memory where the events are
 * word-aligned on a little-endian platform, else through the DataView.
 */
function putEvent(
  view: DataView,
  words: Int32Array | null,
  at: number,
  userdata: number,
  errno: number,
  nbytes: number,
  flags: number,
): void {
  const typeAndErrno = errno | ((userdata & 1) === 0 ? EVENTTYPE_FD_READ << 16 : EVENTTYPE_FD_WRITE << 16);
  const n = nbytes < 0x100000000 ? nbytes : 0xffffffff;
  if (words !== null) {
    const i = at >> 2;
    words[i] = userdata;
    words[i + 1] = 0;
    words[i + 2] = typeAndErrno;
    words[i + 4] = n;
    words[i + 5] = 0;
    words[i + 6] = flags;
    return;
  }
  view.setUint32(at, userdata, true);
  view.setUint32(at + 4, 0, true);
  view.setUint32(at + 8, typeAndErrno, true);
  view.setUint32(at + 16, n, true);
  view.setUint32(at + 20, 0, true);
  view.setUint16(at + 24, flags, true);
}
