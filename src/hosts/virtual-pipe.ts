// In-memory pipes for the VirtualHost: a byte queue with a capacity (writes beyond it get
// EAGAIN, so backpressure can be tested), two ends with their own fds, and the faults a test can
// inject — an error reported with the next event and returned by the next read or write of
// that end, a hang-up, a short read.

import type { Resource } from "./fd-table.js";
import { ERRNO_AGAIN, ERRNO_PIPE, ERRNO_SUCCESS } from "./errno.js";

/** The shared state of one pipe. */
export class PipeBuffer {
  readonly chunks: Uint8Array[] = [];
  size = 0;
  readerClosed = false;
  writerClosed = false;
  constructor(readonly capacity: number) {}
}

abstract class PipeEnd implements Resource {
  fd = -1;
  /** Errno injected by a test, reported with the next event. */
  injectedError = ERRNO_SUCCESS;
  /** The same errno, returned (once) by the next read or write of this end. */
  failNext = ERRNO_SUCCESS;
  /** Hang-up injected by a test. */
  injectedHangup = false;
  constructor(readonly pipe: PipeBuffer) {}
  abstract readReady(): boolean;
  abstract writeReady(): boolean;
  abstract hungUp(): boolean;
  abstract close(): void;
  readableBytes(): number {
    return 0;
  }
  takeError(): number {
    const e = this.injectedError;
    this.injectedError = ERRNO_SUCCESS;
    return e;
  }
  /** The injected errno the next read or write returns, cleared by it. */
  protected takeFailure(): number {
    const e = this.failNext;
    this.failNext = ERRNO_SUCCESS;
    this.injectedError = ERRNO_SUCCESS;
    return e;
  }
}

export class PipeReader extends PipeEnd {
  /** When >= 0, the next read returns at most this many bytes (a short read). */
  shortRead = -1;
  readReady(): boolean {
    return this.pipe.size > 0 || this.pipe.writerClosed || this.injectedHangup || this.failNext !== ERRNO_SUCCESS;
  }
  writeReady(): boolean {
    return false;
  }
  override readableBytes(): number {
    return this.pipe.size;
  }
  hungUp(): boolean {
    return this.pipe.writerClosed || this.injectedHangup;
  }
  close(): void {
    this.pipe.readerClosed = true;
  }

  /** Reads into `into`; returns the byte count, 0 at end of file, or -EAGAIN. */
  read(into: Uint8Array): number {
    const pipe = this.pipe;
    if (this.failNext !== ERRNO_SUCCESS) return -this.takeFailure();
    if (pipe.size === 0) return pipe.writerClosed || this.injectedHangup ? 0 : -ERRNO_AGAIN;
    let want = into.length;
    if (this.shortRead >= 0) {
      want = Math.min(want, Math.max(1, this.shortRead));
      this.shortRead = -1;
    }
    let n = 0;
    while (n < want && pipe.chunks.length > 0) {
      const head = pipe.chunks[0];
      const take = Math.min(head.length, want - n);
      into.set(head.subarray(0, take), n);
      n += take;
      if (take === head.length) pipe.chunks.shift();
      else pipe.chunks[0] = head.subarray(take);
    }
    pipe.size -= n;
    return n;
  }
}

export class PipeWriter extends PipeEnd {
  readReady(): boolean {
    return false;
  }
  writeReady(): boolean {
    return this.pipe.size < this.pipe.capacity || this.pipe.readerClosed || this.failNext !== ERRNO_SUCCESS;
  }
  hungUp(): boolean {
    return this.pipe.readerClosed || this.injectedHangup;
  }
  close(): void {
    this.pipe.writerClosed = true;
  }

  /** Writes as much of `data` as fits; returns the byte count, -EAGAIN or -EPIPE. */
  write(data: Uint8Array): number {
    const pipe = this.pipe;
    if (this.failNext !== ERRNO_SUCCESS) return -this.takeFailure();
    if (pipe.readerClosed) return -ERRNO_PIPE;
    const room = pipe.capacity - pipe.size;
    if (room <= 0) return data.length === 0 ? 0 : -ERRNO_AGAIN;
    const n = Math.min(room, data.length);
    if (n > 0) {
      pipe.chunks.push(data.slice(0, n));
      pipe.size += n;
    }
    return n;
  }
}
