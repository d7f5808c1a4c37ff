// SocketTransport: a connected socket fd driven by the loop — asyncio's selector socket transport
// and StreamReaderProtocol in one. Bytes travel host → fd table → the core's poll_oneoff → the
// loop's reader callback → `host.sockRecv` → the StreamReader; and StreamWriter → `write` →
// `host.sockSend`, with what the host refuses (EAGAIN) kept here and sent from a writer callback.
//
// States: open → closing (close(): reading stops, the write buffer drains) → lost (connection
// lost is called once: on the next pass after close() with nothing buffered or after an error,
// or at once from the writer callback that sent the last buffered bytes, as asyncio does; the
// reader gets EOF or the error, drain waiters and waitClosed are woken, the fd is closed). A host
// error (ECONNRESET, EPIPE…) skips the draining.
//
// Flow control (as asyncio): `drain()` waits while the write buffer is over the high-water mark
// (64 KiB) until it falls to the low-water mark (16 KiB); the reader pauses and resumes reading.

import { ERRNO_AGAIN, errnoName } from "../../hosts/errno.js";
import { SHUT_WR, type SocketHostApi, type SockAddr } from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { socketError } from "./socket-errors.js";
import type { ReadingControl, StreamReader } from "./stream-reader.js";
import { SendQueue } from "../send-queue.js";

const RECV_CHUNK = 64 * 1024;
const DEFAULT_HIGH_WATER = 64 * 1024;
let scratch: Uint8Array | null = null; // shared: every recv copies out of it at once
const encoder = new TextEncoder();

export class SocketTransport implements ReadingControl {
  /** @internal */ readonly _loop: EventLoop;
  /** @internal */ readonly _host: SocketHostApi;
  /** @internal */ readonly _fd: number;
  private readonly reader: StreamReader;
  private readonly extra: { peername: SockAddr | null; sockname: SockAddr | null; fd: number } & Record<
    string,
    unknown
  >;
  private readonly pending = new SendQueue(); // bytes the host has not accepted yet
  private closing = false;
  private eofRequested = false; // writeEof() called
  private eofReceived = false;
  private connLost = 0;
  private lostCalled = false;
  /** @internal The error the connection was lost with (null: closed normally). */
  _lostExc: unknown = null;
  private resetOnClose = false;
  private reading = false; // a reader callback is registered
  private readingPaused = false;
  private writing = false; // a writer callback is registered
  private highWater = DEFAULT_HIGH_WATER;
  private lowWater = DEFAULT_HIGH_WATER / 4;
  private writingPaused = false; // over the high-water mark: drain() waits
  private drainWaiters: Future<void>[] = [];
  private readonly closedFut: Future<void>;
  /** @internal Told once the connection is lost (a server counts its clients with it). */
  _onLost: { _detach(t: SocketTransport): void } | null = null;

  /** @internal */
  constructor(
    loop: EventLoop,
    host: SocketHostApi,
    fd: number,
    reader: StreamReader,
    extra: Record<string, unknown> = {},
  ) {
    this._loop = loop;
    this._host = host;
    this._fd = fd;
    this.reader = reader;
    reader._transport = this;
    this.extra = { peername: host.peerName(fd), sockname: host.sockName(fd), fd, ...extra };
    this.closedFut = new Future<void>(loop);
    this.startReading();
  }

  // ------------------------------------------------------------------ asyncio.Transport

  /** `"peername"`, `"sockname"` ({ address, port, family }) or `"fd"`; `dflt` for anything else. */
  getExtraInfo(name: string, dflt: unknown = null): unknown {
    let v = this.extra[name];
    if (typeof v === "function") v = (v as () => unknown)(); // computed on demand ("peercert"…)
    return v === undefined || v === null ? dflt : v;
  }

  /**
   * @internal Gives up the fd without closing it (TLS is being started on it): reading and
   * writing stop, nothing more is called. Returns the fd, or -1 while bytes wait to be sent.
   */
  _detach(): number {
    if (this.pending.bytes > 0 || this.connLost > 0) return -1;
    this.stopReading();
    this.stopWriting();
    this.connLost++;
    this.lostCalled = true;
    return this._fd;
  }

  isClosing(): boolean {
    return this.closing;
  }

  isReading(): boolean {
    return this.reading;
  }

  /** Stops reading from the socket until `resumeReading()`. */
  pauseReading(): void {
    if (this.closing || this.readingPaused) return;
    this.readingPaused = true;
    this.stopReading();
  }

  resumeReading(): void {
    if (this.closing || !this.readingPaused) return;
    this.readingPaused = false;
    this.startReading();
  }

  /** Bytes written and not yet accepted by the host. */
  getWriteBufferSize(): number {
    return this.pending.bytes;
  }

  /** [low, high]: drain() waits while the buffer is over high, until it is down to low. */
  getWriteBufferLimits(): [number, number] {
    return [this.lowWater, this.highWater];
  }

  setWriteBufferLimits(high?: number, low?: number): void {
    for (const [v, what] of [
      [high, "high"],
      [low, "low"],
    ] as const) {
      if (v !== undefined && v !== null && typeof v !== "number")
        throw new TypeError(`${what} must be a number of bytes, got ${typeof v}`);
      if (typeof v === "number" && !Number.isFinite(v)) throw new RangeError(`${what} must be finite, got ${v}`);
    }
    const hi = high ?? (low !== undefined ? 4 * low : DEFAULT_HIGH_WATER);
    const lo = low ?? Math.floor(hi / 4);
    if (!(hi >= lo && lo >= 0)) throw new RangeError(`high (${hi}) must be >= low (${lo}) must be >= 0`);
    this.highWater = hi;
    this.lowWater = lo;
    this.maybePauseProtocol();
    this.maybeResumeProtocol();
  }

  /** Sends `data` (queued when the host cannot take it all now). */
  write(data: Uint8Array | string): void {
    let bytes: Uint8Array;
    let owned = false;
    if (typeof data === "string") {
      bytes = encoder.encode(data);
      owned = true;
    } else if (data instanceof Uint8Array) bytes = data;
    else throw new TypeError(`data must be a Uint8Array or a string, got ${data === null ? "null" : typeof data}`);
    if (this.eofRequested) throw new Error("Cannot call write() after writeEof()");
    if (this.connLost > 0) {
      this.connLost++;
      return;
    }
    if (bytes.length === 0) return;
    if (this.pending.bytes === 0) {
      let n = this._host.sockSend(this._fd, bytes);
      if (n === bytes.length) return;
      if (n < 0) {
        if (n !== -ERRNO_AGAIN) {
          this.fatalError(this.errorFor(-n, "write"));
          return;
        }
        n = 0;
      }
      if (n > 0) bytes = bytes.subarray(n);
      this.startWriting();
    }
    this.pending.push(owned ? bytes : bytes.slice());
    this.maybePauseProtocol();
  }

  /** False for TLS (as asyncio's SSL transports): it has no half-close. */
  canWriteEof(): boolean {
    return this.extra.sslObject === undefined;
  }

  /** Closes the write side (FIN) once the buffered bytes are sent; reading goes on. */
  writeEof(): void {
    if (!this.canWriteEof()) throw new Error("TLS transports cannot write EOF (no half-close)");
    if (this.closing || this.eofRequested) return;
    this.eofRequested = true;
    if (this.pending.bytes === 0) this._host.sockShutdown(this._fd, SHUT_WR);
  }

  /** Closes once the buffered bytes are sent; connection lost is called on a later pass. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.stopReading();
    if (this.pending.bytes === 0) {
      this.connLost++;
      this._loop._soon(connectionLostStep, this);
    }
  }

  /** Closes at once: buffered bytes are dropped and the peer sees a reset. */
  abort(): void {
    this.resetOnClose = true;
    this.forceClose(null);
  }

  toString(): string {
    const state = this.lostCalled ? "closed" : this.closing ? "closing" : "open";
    return `<SocketTransport fd=${this._fd} ${state} buffered=${this.pending.bytes}>`;
  }

  // ------------------------------------------------------------------ for StreamWriter

  /** @internal True when drain() has nothing to wait for and nothing to throw. */
  _drainable(): boolean {
    return !this.writingPaused && !this.closing;
  }

  /** @internal Waits while writing is paused; throws once the connection is lost. */
  *_drainHelper(): Coroutine<void> {
    if (this.lostCalled) throw this._lostExc ?? lostError();
    if (!this.writingPaused) return;
    const w = new Future<void>(this._loop);
    this.drainWaiters.push(w);
    try {
      yield* w;
    } finally {
      const i = this.drainWaiters.indexOf(w);
      if (i >= 0) this.drainWaiters.splice(i, 1);
    }
  }

  /** @internal The future waitClosed awaits: done (or failed) once the connection is lost. */
  _closed(): Future<void> {
    return this.closedFut;
  }

  // ------------------------------------------------------------------ readiness callbacks

  /** @internal The reader callback: the socket is readable. */
  _readReady(): void {
    const buf = (scratch ??= new Uint8Array(RECV_CHUNK));
    const n = this._host.sockRecv(this._fd, buf);
    if (n > 0) {
      this.reader._feed(buf, n);
    } else if (n === 0) {
      this.eofReceived = true;
      this.stopReading();
      this.reader.feedEof();
    } else if (n !== -ERRNO_AGAIN) {
      this.fatalError(this.errorFor(-n, "read"));
    }
  }

  /** @internal The writer callback: the socket is writable. */
  _writeReady(): void {
    if (this.connLost > 0) return;
    const host = this._host,
      fd = this._fd;
    const errno = this.pending.flush(host, fd);
    if (errno !== 0) {
      this.fatalError(this.errorFor(errno, "write"));
      return;
    }
    this.maybeResumeProtocol();
    if (this.pending.bytes === 0) {
      this.stopWriting();
      if (this.closing) this.callConnectionLost(null);
      else if (this.eofRequested) host.sockShutdown(fd, SHUT_WR);
    }
  }

  // ------------------------------------------------------------------ internals

  private startReading(): void {
    if (this.reading || this.closing || this.eofReceived || this.readingPaused) return;
    this._loop.addReader(this._fd, transportReadable, this);
    this.reading = true;
  }

  private stopReading(): void {
    if (!this.reading) return;
    this.reading = false;
    this._loop.removeReader(this._fd);
  }

  private startWriting(): void {
    if (this.writing) return;
    this._loop.addWriter(this._fd, transportWritable, this);
    this.writing = true;
  }

  private stopWriting(): void {
    if (!this.writing) return;
    this.writing = false;
    this._loop.removeWriter(this._fd);
  }

  private maybePauseProtocol(): void {
    if (!this.writingPaused && this.pending.bytes > this.highWater) this.writingPaused = true;
  }

  private maybeResumeProtocol(): void {
    if (!this.writingPaused || this.pending.bytes > this.lowWater) return;
    this.writingPaused = false;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) if (!w.done()) w.setResult(undefined);
  }

  private errorFor(errno: number, syscall: string): Error {
    return socketError(this._host.sockError(this._fd) ?? errnoName(errno), syscall);
  }

  private fatalError(exc: Error): void {
    this.forceClose(exc);
  }

  private forceClose(exc: unknown): void {
    if (this.connLost > 0) return;
    if (this.pending.bytes > 0) {
      this.pending.clear();
      this.stopWriting();
    }
    if (!this.closing) {
      this.closing = true;
      this.stopReading();
    }
    this.connLost++;
    this._lostExc = exc;
    this._loop._soon(connectionLostStep, this);
  }

  /** @internal Connection lost: the reader, drain waiters and waitClosed learn of it; the fd closes. */
  callConnectionLost(exc: unknown): void {
    if (this.lostCalled) return;
    this.lostCalled = true;
    this._lostExc = exc;
    try {
      if (exc === null) this.reader.feedEof();
      else this.reader.setException(exc);
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      this.writingPaused = false;
      for (const w of waiters) {
        if (w.done()) continue;
        if (exc === null) w.setResult(undefined);
        else w.setException(exc);
      }
      if (this.closedFut.done()) {
        /* never set twice */
      } else if (exc === null) this.closedFut.setResult(undefined);
      else {
        this.closedFut._fail(exc);
        this.closedFut.exception(); // seen here: only waitClosed() callers rethrow it
      }
    } finally {
      this.stopReading();
      this.stopWriting();
      if (this.resetOnClose) this._host.sockAbort(this._fd);
      else this._host.fdClose(this._fd);
      const owner = this._onLost;
      this._onLost = null;
      owner?._detach(this);
    }
  }
}

// Module-level callbacks taking the transport as their argument: one call target for every
// transport, so optimized code never pins (and is never thrown away with) a dead transport.
function transportReadable(t: SocketTransport): void {
  t._readReady();
}

function transportWritable(t: SocketTransport): void {
  t._writeReady();
}

function connectionLostStep(t: SocketTransport): void {
  t.callConnectionLost(t._lostExc);
}

function lostError(): Error {
  const err = socketError("ECONNRESET", "write");
  err.message = "Connection lost";
  return err;
}
