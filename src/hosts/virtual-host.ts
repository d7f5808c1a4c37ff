// The VirtualHost: a simulated world for deterministic tests. Its monotonic clock starts at 0 and
// moves only when the loop would wait: then it jumps straight to the deadline the core asked for,
// so a test of a 10-minute timeout runs in microseconds and the same way every time. Its fds are
// in-memory pipes, with faults a test can inject.
//
// Limits: nothing here is real I/O. In `runSync` a poll with nothing ready and no deadline can
// never end, so the loop reports a deadlock instead of hanging. Under the async driver such a
// poll waits for `wakeup()` (a host promise settling, for instance); host promises do not stop
// the clock from jumping to the next deadline first.

import { HostBase } from "./host-base.js";
import { PipeBuffer, PipeReader, PipeWriter } from "./virtual-pipe.js";
import { ERRNO_BADF, ERRNO_MAX } from "./errno.js";
import { describe } from "../checks.js";

export interface VirtualHostOptions {
  /** Capacity in bytes of each pipe made by `pipe()` (default 65,536). */
  pipeCapacity?: number;
}

export class VirtualHost extends HostBase {
  readonly name = "virtual";
  readonly canBlock = true;
  /** The simulated time in whole nanoseconds (exact up to 2^53 ns, about 104 days). */
  private timeNs = 0;
  private readonly pipeCapacity: number;

  constructor(options: VirtualHostOptions = {}) {
    super();
    if (options === null || typeof options !== "object") throw new TypeError(`options must be an object, got ${options === null ? "null" : typeof options}`);
    const cap = options.pipeCapacity ?? 65536;
    checkCapacity(cap);
    this.pipeCapacity = cap;
  }

  now(): number {
    return this.timeNs / 1e6;
  }

  /** Moves the simulated clock forward by `ms` (tests use it to model time spent computing). */
  advance(ms: number): void {
    if (typeof ms !== "number") throw new TypeError(`advance() needs a number of ms, got ${typeof ms}`);
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance() needs a finite ms >= 0, got ${ms}`);
    this.timeNs += Math.ceil(ms * 1e6);
  }

  protected onNothingReady(clockMs: number): boolean {
    if (clockMs < 0) return false;
    const to = this.timeNs + Math.ceil(clockMs * 1e6);
    // Past 2^53 ns a short wait can be below the clock's resolution: move by one step anyway, so
    // that a due timer is reached rather than polled for forever.
    this.timeNs = to > this.timeNs || clockMs === 0 ? to : this.timeNs + 2 ** (Math.floor(Math.log2(this.timeNs)) - 52);
    return true;
  }

  idle(): Promise<void> {
    return this.nextNotify();
  }

  /** Makes an in-memory pipe and returns its [readFd, writeFd]. */
  pipe(capacity = this.pipeCapacity): [number, number] {
    checkCapacity(capacity);
    const buf = new PipeBuffer(capacity);
    return [this.fds.open(new PipeReader(buf)), this.fds.open(new PipeWriter(buf))];
  }

  /** Reads from a pipe's read end: the byte count, 0 at end of file, or a negative WASI errno. */
  read(fd: number, into: Uint8Array): number {
    if (!(into instanceof Uint8Array)) throw new TypeError(`read() needs a Uint8Array to read into, got ${into === null ? "null" : typeof into}`);
    const end = this.fds.get(fd);
    return end instanceof PipeReader ? end.read(into) : -ERRNO_BADF;
  }

  /** Writes to a pipe's write end: the byte count, or a negative WASI errno (EAGAIN when full). */
  write(fd: number, data: Uint8Array | string): number {
    const end = this.fds.get(fd);
    if (typeof data !== "string" && !(data instanceof Uint8Array)) throw new TypeError(`write() needs a Uint8Array or a string, got ${data === null ? "null" : typeof data}`);
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    return end instanceof PipeWriter ? end.write(bytes) : -ERRNO_BADF;
  }

  /** Closes an fd; returns false if it was not open. */
  closeFd(fd: number): boolean {
    return this.fds.close(fd);
  }

  /**
   * Fault: the next event for `fd` carries WASI errno `errno` (e.g. 29 EIO, 15 ECONNRESET), and
   * the next `read` or `write` of it returns `-errno`, so the fd's reader or writer sees it.
   */
  injectError(fd: number, errno: number): void {
    if (typeof errno !== "number") throw new TypeError(`errno must be a WASI errno (an integer 1..${ERRNO_MAX}), got ${typeof errno}`);
    if (!Number.isInteger(errno) || errno < 1 || errno > ERRNO_MAX) throw new RangeError(`errno must be a WASI errno (an integer 1..${ERRNO_MAX}), got ${errno}`);
    const end = this.end(fd);
    end.injectedError = end.failNext = errno;
  }

  /** Fault: `fd` reports a hang-up (and, for a read end, end of file) from now on. */
  injectHangup(fd: number): void {
    this.end(fd).injectedHangup = true;
  }

  /** Fault: the next read of `fd` returns at most `bytes` bytes. */
  injectShortRead(fd: number, bytes: number): void {
    const end = this.end(fd);
    if (!(end instanceof PipeReader)) throw new TypeError(`fd ${describe(fd)} is not a pipe's read end`);
    if (typeof bytes !== "number") throw new TypeError(`bytes must be a number, got ${typeof bytes}`);
    if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError(`bytes must be an integer >= 1, got ${bytes}`);
    end.shortRead = bytes;
  }

  private end(fd: number): PipeReader | PipeWriter {
    const end = this.fds.get(fd);
    if (!(end instanceof PipeReader || end instanceof PipeWriter)) throw new TypeError(`fd ${describe(fd)} is not an open pipe end of this host`);
    return end;
  }
}

function checkCapacity(cap: unknown): asserts cap is number {
  if (typeof cap !== "number") throw new TypeError(`pipe capacity must be a positive integer, got ${typeof cap}`);
  if (!Number.isInteger(cap) || cap <= 0) throw new RangeError(`pipe capacity must be a positive integer, got ${cap}`);
}
