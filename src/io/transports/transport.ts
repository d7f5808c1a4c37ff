// Transport: asyncio's selector socket transport for a connected stream fd of the host (TCP, a
// Unix socket, a TLS connection, a child's pipe), driving a Protocol: bytes travel host → fd table
// → the core's poll_oneoff → the loop's reader callback → `host.sockRecv` → the protocol's
// dataReceived (or straight into a BufferedProtocol's buffer). A host that receives in chunks of
// its own (Node's sockets) hands them over with `host.sockRecvOwned`, and they reach dataReceived
// (the streams: the reader's buffer) without a copy. `write` → `host.sockSend`, with
// what the host refuses (EAGAIN) kept here and sent from a writer callback.
//
// Order of calls (as asyncio): connectionMade on the pass after construction (at once for the
// streams' protocol, see StartMode), reading starts right after it; connectionLost once, on a
// later pass after close() with nothing buffered, after an error, or from the writer callback that
// sent the last buffered bytes of a closing transport; the fd is closed just after it. An exception thrown by a protocol callback is reported through the
// loop's exception handler and aborts the connection (as asyncio's _fatal_error).
//
// Flow control: pauseWriting() when the write buffer goes over the high-water mark (64 KiB by
// default), resumeWriting() when it is back down to the low-water mark (a quarter of it).

import { isExitException } from "../../errors.js";
import { ERRNO_AGAIN, errnoName } from "../../hosts/errno.js";
import type { SocketHostApi, SockAddr } from "../../hosts/socket-api.js";
import { SHUT_WR } from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import { keepLatest } from "../../keep-latest.js";
import { Future } from "../../tasks/future.js";
import { socketError } from "../streams/socket-errors.js";
import type { StreamProtocolLike } from "./protocols.js";
import { WriteTransport } from "./base-transport.js";
import { checkMadeBy } from "./check-internal.js";
import { SendQueue } from "../send-queue.js";

const RECV_CHUNK = 64 * 1024;
const DEFAULT_HIGH_WATER = 64 * 1024;
const encoder = new TextEncoder();
let scratch: Uint8Array | null = null; // shared: every read copies out of it at once

/** Extra information a transport answers in getExtraInfo (beyond peername/sockname/fd). */
export type ExtraInfo = Record<string, unknown>;

/**
 * When a new transport starts: connectionMade on the next pass (createConnection/createServer, as
 * asyncio); connectionMade at once, inside the constructor (the streams: their protocol runs no user
 * code there, and the reader is fed from the first readable event); or no connectionMade, reading
 * from the next pass (a transport taking over a connection whose protocol already runs: startTls).
 */
export const START_SOON = 0;
export const START_NOW = 1;
export const START_TAKEOVER = 2;
export type StartMode = typeof START_SOON | typeof START_NOW | typeof START_TAKEOVER;

export class Transport extends WriteTransport {
  /** @internal */ readonly _loop: EventLoop;
  /** @internal */ readonly _host: SocketHostApi;
  /** @internal */ readonly _fd: number;
  private protocol: StreamProtocolLike;
  private readonly extra: ExtraInfo;
  private readonly pending = new SendQueue(); // bytes the host has not accepted yet
  private closing = false;
  private eofRequested = false;
  private eofSeen = false;
  private connLost = 0;
  private lostCalled = false;
  private lostExc: unknown = null;
  private resetOnClose = false;
  private reading = false; // a reader callback is registered
  private readingPaused = false;
  private started = false; // connectionMade has been called
  private readMode: ReadMode = READ_COPY; // how _readReady hands bytes to the protocol (set with it)
  private writing = false;
  private highWater = DEFAULT_HIGH_WATER;
  private lowWater = DEFAULT_HIGH_WATER / 4;
  private protocolPaused = false;
  private waiter: Future<void> | null;
  private readonly callMade: boolean; // false for a transport that takes over a connection (startTls)
  private flushWaiters: Future<void>[] = [];
  /** @internal Told once the connection is lost (a server counts its clients with it). */
  _onLost: { _detach(t: Transport): void } | null = null;

  /**
   * @internal Wraps connected `fd`; connectionMade runs on the next pass, then `waiter` (if any)
   * is resolved. `extra` adds names for getExtraInfo.
   */
  constructor(
    loop: EventLoop,
    host: SocketHostApi,
    fd: number,
    protocol: StreamProtocolLike,
    waiter: Future<void> | null = null,
    extra: ExtraInfo = {},
    start: StartMode = START_SOON,
  ) {
    super();
    checkMadeBy(
      "loop.createConnection() or loop.createServer()",
      loop,
      typeof (host as Partial<SocketHostApi> | null)?.sockRecv === "function",
      Number.isInteger(fd) && fd >= 0,
      typeof (protocol as Partial<StreamProtocolLike> | null)?.connectionMade === "function",
    );
    this.callMade = start !== START_TAKEOVER;
    this._loop = loop;
    this._host = host;
    this._fd = fd;
    this.protocol = protocol;
    this.readMode = readModeOf(host, protocol);
    this.waiter = waiter;
    this.extra = { peername: host.peerName(fd), sockname: host.sockName(fd), fd, ...extra };
    keepLatest("transport", this); // the code optimized for transports stays valid across loops (keep-latest.ts)
    if (start === START_NOW) this._start();
    else loop._soon(startStep, this);
  }

  // ------------------------------------------------------------------ asyncio.BaseTransport

  /** "peername", "sockname" ({ address, port, family }), "fd", and what the kind of socket adds ("peercert", "cipher"…); `dflt` otherwise. */
  getExtraInfo(name: string, dflt: unknown = null): unknown {
    const v = this.extra[name];
    if (typeof v === "function") return (v as () => unknown)() ?? dflt;
    return v === undefined || v === null ? dflt : v;
  }

  getProtocol(): StreamProtocolLike {
    return this.protocol;
  }

  /** Switches the protocol callbacks go to (no connectionMade is called on it). */
  setProtocol(protocol: StreamProtocolLike | never): void {
    this.protocol = protocol;
    this.readMode = readModeOf(this._host, protocol);
  }

  isClosing(): boolean {
    return this.closing;
  }

  /** Closes once the buffered bytes are sent; connectionLost(null) is called on a later pass. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.stopReading();
    if (this.pending.bytes === 0) {
      this.connLost++;
      this._loop._soon(connectionLostStep, this);
    }
  }

  /** Closes at once: buffered bytes are dropped, the peer sees a reset; connectionLost(null) follows. */
  abort(): void {
    this.resetOnClose = true;
    this.forceClose(null);
  }

  // ------------------------------------------------------------------ asyncio.ReadTransport

  isReading(): boolean {
    return !this.readingPaused && !this.closing;
  }

  /** Stops calling dataReceived until resumeReading() (the peer is slowed down by TCP). */
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

  // ------------------------------------------------------------------ asyncio.WriteTransport

  /** Bytes written and not yet accepted by the host. */
  getWriteBufferSize(): number {
    return this.pending.bytes;
  }

  /** [low, high]. */
  getWriteBufferLimits(): [number, number] {
    return [this.lowWater, this.highWater];
  }

  /**
   * Sets the marks for pauseWriting/resumeWriting (asyncio's defaults: high 64 KiB, low high/4);
   * the protocol is paused or resumed at once if the buffer is now over or under them.
   */
  setWriteBufferLimits(high?: number, low?: number): void {
    checkMark(high, "high");
    checkMark(low, "low");
    const hi = high ?? (low !== undefined && low !== null ? 4 * low : DEFAULT_HIGH_WATER);
    const lo = low ?? Math.floor(hi / 4);
    if (!(hi >= lo && lo >= 0)) throw new RangeError(`high (${hi}) must be >= low (${lo}) must be >= 0`);
    this.highWater = hi;
    this.lowWater = lo;
    this.maybePauseProtocol();
    this.maybeResumeProtocol();
  }

  /** Sends `data` (a string as UTF-8); what the host cannot take now is buffered. Never waits. */
  write(data: Uint8Array | string): void {
    let bytes: Uint8Array;
    let owned = false;
    if (typeof data === "string") {
      bytes = encoder.encode(data);
      owned = true;
    } else if (data instanceof Uint8Array) bytes = data;
    else throw new TypeError(`data must be a Uint8Array or a string, got ${data === null ? "null" : typeof data}`);
    if (this.eofRequested) throw new Error("Cannot call write() after writeEof()");
    if (bytes.length === 0) return;
    if (this.connLost > 0) {
      this.connLost++;
      return;
    }
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

  /** Writes every chunk of `chunks`. */
  writelines(chunks: Iterable<Uint8Array | string>): void {
    for (const c of chunks) this.write(c);
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

  override toString(): string {
    const state = this.lostCalled ? "closed" : this.closing ? "closing" : "open";
    return `<Transport fd=${this._fd} ${state} buffered=${this.pending.bytes}>`;
  }

  // ------------------------------------------------------------------ loop callbacks

  /** @internal connectionMade, then reading starts and the waiter (createConnection) is told. */
  _start(): void {
    if (this.connLost > 0 && this.lostCalled) return;
    this.started = true;
    try {
      if (this.callMade) this.protocol.connectionMade(this);
    } catch (e) {
      this.fatalError(e, "protocol.connectionMade() failed");
    }
    this.startReading();
    const w = this.waiter;
    this.waiter = null;
    if (w !== null && !w.done()) w.setResult(undefined);
  }

  /** @internal The reader callback: the fd is readable. */
  _readReady(): void {
    const p = this.protocol;
    const host = this._host;
    let n: number;
    let buf: Uint8Array;
    const mode = this.readMode;
    if (mode <= READ_OWNED_DATA) {
      // The host hands over arrays nobody else holds: they go to the protocol as they are.
      const got = host.sockRecvOwned!(this._fd, RECV_CHUNK);
      if (typeof got !== "number") {
        try {
          if (mode === READ_OWNED_STREAM) p._dataOwned!(got);
          else p.dataReceived!(got);
        } catch (e) {
          if (isExitException(e)) throw e;
          this.fatalError(e, "protocol.dataReceived() failed");
        }
        return;
      }
      n = got;
    } else if (mode === READ_BUFFERED) {
      try {
        buf = p.getBuffer!(-1);
        if (!(buf instanceof Uint8Array) || buf.length === 0)
          throw new RangeError("getBuffer() returned an empty or non-Uint8Array buffer");
      } catch (e) {
        this.fatalError(e, "protocol.getBuffer() failed");
        return;
      }
      n = host.sockRecv(this._fd, buf);
      if (n > 0) {
        try {
          p.bufferUpdated!(n);
        } catch (e) {
          if (isExitException(e)) throw e; // a task step run from here (the streams) stops the loop
          this.fatalError(e, "protocol.bufferUpdated() failed");
        }
        return;
      }
    } else {
      buf = scratch ??= new Uint8Array(RECV_CHUNK);
      n = host.sockRecv(this._fd, buf);
      if (n > 0) {
        try {
          p.dataReceived!(buf.slice(0, n));
        } catch (e) {
          if (isExitException(e)) throw e;
          this.fatalError(e, "protocol.dataReceived() failed");
        }
        return;
      }
    }
    if (n === 0) this.onEof();
    else if (n !== -ERRNO_AGAIN) this.fatalError(this.errorFor(-n, "read"));
  }

  /** @internal The writer callback: the fd is writable. */
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
      this.wakeFlushWaiters(null);
      if (this.closing) this._connectionLost(null);
      else if (this.eofRequested) host.sockShutdown(fd, SHUT_WR);
    }
  }

  /** @internal connectionLost(exc) on the protocol, once; then the fd is closed. */
  _connectionLost(exc: unknown): void {
    if (this.lostCalled) return;
    this.lostCalled = true;
    this.lostExc = exc;
    try {
      if (this.started) this.protocol.connectionLost(exc);
    } catch (e) {
      this._loop.callExceptionHandler({
        message: "protocol.connectionLost() failed",
        exception: e,
        transport: this,
        protocol: this.protocol,
      });
    } finally {
      this.stopReading();
      this.stopWriting();
      if (this.resetOnClose) this._host.sockAbort(this._fd);
      else this._host.fdClose(this._fd);
      const w = this.waiter;
      this.waiter = null;
      if (w !== null && !w.done()) w.setException(exc ?? socketError("ECONNRESET", "connect"));
      const owner = this._onLost;
      this._onLost = null;
      owner?._detach(this);
      if (this.flushWaiters.length > 0) this.wakeFlushWaiters(exc ?? socketError("ECONNRESET", "write"));
    }
  }

  /** @internal Waits until the write buffer is empty; throws if the connection is lost first. */
  *_flushed(): Generator<Future<unknown> | undefined, void, unknown> {
    if (this.pending.bytes === 0 || this.connLost > 0) return;
    const w = new Future<void>(this._loop);
    this.flushWaiters.push(w);
    yield* w;
  }

  /**
   * @internal Gives up the fd without closing it (TLS is being started on it): reading and
   * writing stop and the protocol hears nothing more from this transport. -1 when closing or
   * while bytes wait to be sent.
   */
  _detach(): number {
    if (this.closing || this.connLost > 0 || this.pending.bytes > 0) return -1;
    this.stopReading();
    this.stopWriting();
    this.closing = true;
    this.connLost++;
    this.lostCalled = true;
    return this._fd;
  }

  private wakeFlushWaiters(exc: unknown): void {
    if (this.flushWaiters.length === 0) return;
    const ws = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of ws)
      if (!w.done()) {
        if (exc === null) w.setResult(undefined);
        else w.setException(exc);
      }
  }

  /** @internal The error the connection was lost with, once lost. */
  get _lostException(): unknown {
    return this.lostExc;
  }

  // ------------------------------------------------------------------ internals

  private onEof(): void {
    this.eofSeen = true;
    this.stopReading();
    let keepOpen: boolean | void = false;
    try {
      keepOpen = this.protocol.eofReceived?.();
    } catch (e) {
      this.fatalError(e, "protocol.eofReceived() failed");
      return;
    }
    if (keepOpen !== true) this.close();
  }

  private startReading(): void {
    if (this.reading || this.closing || this.eofSeen || this.readingPaused || !this.started) return;
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
    if (this.protocolPaused || this.pending.bytes <= this.highWater) return;
    this.protocolPaused = true;
    try {
      this.protocol.pauseWriting?.();
    } catch (e) {
      this._loop.callExceptionHandler({
        message: "protocol.pauseWriting() failed",
        exception: e,
        transport: this,
        protocol: this.protocol,
      });
    }
  }

  private maybeResumeProtocol(): void {
    if (!this.protocolPaused || this.pending.bytes > this.lowWater) return;
    this.protocolPaused = false;
    try {
      this.protocol.resumeWriting?.();
    } catch (e) {
      this._loop.callExceptionHandler({
        message: "protocol.resumeWriting() failed",
        exception: e,
        transport: this,
        protocol: this.protocol,
      });
    }
  }

  private errorFor(errno: number, syscall: string): Error {
    return socketError(this._host.sockError(this._fd) ?? errnoName(errno), syscall);
  }

  /** A socket error ends the connection; a protocol's own exception is also reported. */
  private fatalError(exc: unknown, message?: string): void {
    if (message !== undefined)
      this._loop.callExceptionHandler({ message, exception: exc, transport: this, protocol: this.protocol });
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
    this.lostExc = exc;
    this._loop._soon(connectionLostStep, this);
  }
}

/**
 * How the reader callback hands bytes to the protocol, decided when the protocol is set (as
 * asyncio decides between Protocol and BufferedProtocol in set_protocol), so a read looks up no
 * optional method: the host's own chunk to the library's protocols (`_dataOwned`) or to a
 * Protocol's dataReceived; into a BufferedProtocol's buffer; or copied out of a shared scratch
 * buffer into a new array for dataReceived.
 */
const READ_OWNED_STREAM = 0;
const READ_OWNED_DATA = 1;
const READ_BUFFERED = 2;
const READ_COPY = 3;
type ReadMode = typeof READ_OWNED_STREAM | typeof READ_OWNED_DATA | typeof READ_BUFFERED | typeof READ_COPY;

function readModeOf(host: SocketHostApi, p: StreamProtocolLike): ReadMode {
  const buffered = typeof p.getBuffer === "function";
  if (typeof host.sockRecvOwned === "function") {
    if (typeof p._dataOwned === "function") return READ_OWNED_STREAM;
    if (!buffered) return READ_OWNED_DATA;
  }
  return buffered ? READ_BUFFERED : READ_COPY;
}

function checkMark(v: number | undefined | null, what: string): void {
  if (v === undefined || v === null) return;
  if (typeof v !== "number") throw new TypeError(`${what} must be a number of bytes, got ${typeof v}`);
  if (!Number.isFinite(v)) throw new RangeError(`${what} must be finite, got ${v}`);
}

// Module-level callbacks taking the transport as their argument: one call target for all.
function startStep(t: Transport): void {
  t._start();
}

function transportReadable(t: Transport): void {
  t._readReady();
}

function transportWritable(t: Transport): void {
  t._writeReady();
}

function connectionLostStep(t: Transport): void {
  t._connectionLost(t._lostException);
}

/** A socket address in Node's shape (re-exported for transport users). */
export type { SockAddr };
