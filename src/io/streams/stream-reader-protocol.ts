// StreamReaderProtocol: asyncio.StreamReaderProtocol — the protocol that puts a StreamReader and a
// StreamWriter on a Transport. The streams are this protocol on the one Transport class, for TCP,
// TLS, Unix sockets, the simulated network and a child's stdin.
//
// Reading: where the host hands its own chunks over (Node's sockets), the reader keeps each one
// as it comes and a read that takes it whole returns it: no copy, no array made per read.
// Elsewhere the transport receives into a shared scratch buffer (a BufferedProtocol: no array per
// chunk) and the bytes are appended to the reader in one copy. Either way this happens inside the
// transport's reader callback, which wakes a waiting read. The reader pauses the
// transport's reading past 2 × its limit and resumes it below (see StreamReader). EOF ends the
// reader and keeps the transport open (half-close: the writer may still write); connectionLost
// ends the reader (null) or fails it (the error).
//
// Writing (asyncio's FlowControlMixin): the transport calls pauseWriting when its buffer passes
// the high-water mark and resumeWriting when it is back to the low-water mark; drain() waits in
// between, and nothing is allocated when it has nothing to wait for. After connectionLost, drain()
// throws the connection's error (or "Connection lost"), and waitClosed() returns or throws it.

import { checkLoopArg, describe } from "../../checks.js";
import type { EventLoop } from "../../loop/event-loop.js";
import { getRunningLoop } from "../../loop/running.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import type { Transport } from "../transports/transport.js";
import { socketError } from "./socket-errors.js";
import { StreamReader } from "./stream-reader.js";

const CHUNK = 64 * 1024;
let scratch: Uint8Array | null = null; // shared: bufferUpdated copies out of it at once

export class StreamReaderProtocol {
  /** The transport, once connectionMade ran (a new one after startTls). */
  transport: Transport | null = null;
  private readonly reader: StreamReader | null;
  private readonly loop: EventLoop;
  private paused = false; // writing paused: over the transport's high-water mark
  private drainWaiters: Future<void>[] | null = null;
  private lost = false;
  private lostExc: unknown = null;
  private readonly closedFut: Future<void>;

  /**
   * A protocol feeding `reader` (null: a write-only connection), for `loop` (default: the running
   * loop). openConnection and startServer make one per connection; with loop.createConnection it
   * gives a reader over a protocol-level connection.
   */
  constructor(reader: StreamReader | null, loop?: EventLoop) {
    if (reader !== null && !(reader instanceof StreamReader))
      throw new TypeError(`reader must be a StreamReader or null, got ${describe(reader)}`);
    checkLoopArg(loop, "loop");
    this.reader = reader;
    this.loop = loop ?? getRunningLoop();
    this.closedFut = new Future<void>(this.loop);
  }

  // ------------------------------------------------------------------ protocol callbacks

  connectionMade(transport: Transport): void {
    this.transport = transport;
    if (this.reader !== null) this.reader._transport = transport;
  }

  getBuffer(_sizeHint: number): Uint8Array {
    return (scratch ??= new Uint8Array(CHUNK));
  }

  bufferUpdated(n: number): void {
    this.reader?._feed(scratch!, n);
  }

  /** @internal An array the transport hands over for good: the reader keeps it as it is. */
  _dataOwned(data: Uint8Array): void {
    this.reader?._feedOwned(data);
  }

  /** The peer closed its side: the reader ends; the transport stays open for writing. */
  eofReceived(): boolean {
    this.reader?.feedEof();
    return true;
  }

  connectionLost(exc: unknown): void {
    if (this.lost) return;
    this.lost = true;
    this.lostExc = exc;
    const r = this.reader;
    if (r !== null) {
      if (exc === null) r.feedEof();
      else r.setException(exc);
    }
    this.paused = false;
    this.wakeDrainWaiters(exc);
    const closed = this.closedFut;
    if (closed.done()) return;
    if (exc === null) closed.setResult(undefined);
    else {
      closed._fail(exc);
      closed.exception(); // seen here: only waitClosed() callers rethrow it
    }
  }

  pauseWriting(): void {
    this.paused = true;
  }

  resumeWriting(): void {
    this.paused = false;
    this.wakeDrainWaiters(null);
  }

  // ------------------------------------------------------------------ for StreamWriter

  /** @internal A new transport carries the connection (startTls): the reader pauses that one. */
  _takeOver(transport: Transport): void {
    this.connectionMade(transport);
  }

  /** @internal True when drain() has nothing to wait for and nothing to throw. */
  _drainable(): boolean {
    return !this.paused && !this.lost;
  }

  /** @internal Waits while writing is paused; throws once the connection is lost. */
  *_drainHelper(): Coroutine<void> {
    if (this.lost) throw this.lostExc ?? lostError();
    if (!this.paused) return;
    const w = new Future<void>(this.loop);
    (this.drainWaiters ??= []).push(w);
    try {
      yield* w;
    } finally {
      const ws = this.drainWaiters;
      const i = ws === null ? -1 : ws.indexOf(w);
      if (i >= 0) ws!.splice(i, 1);
    }
  }

  /** @internal The future waitClosed awaits: done (or failed) once the connection is lost. */
  _closed(): Future<void> {
    return this.closedFut;
  }

  toString(): string {
    return `<StreamReaderProtocol${this.paused ? " paused" : ""}${this.lost ? " lost" : ""}>`;
  }

  private wakeDrainWaiters(exc: unknown): void {
    const ws = this.drainWaiters;
    if (ws === null || ws.length === 0) return;
    this.drainWaiters = null;
    for (const w of ws) {
      if (w.done()) continue;
      if (exc === null) w.setResult(undefined);
      else w.setException(exc);
    }
  }
}

function lostError(): Error {
  const err = socketError("ECONNRESET", "write");
  err.message = "Connection lost";
  return err;
}
