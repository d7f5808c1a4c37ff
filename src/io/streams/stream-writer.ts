// StreamWriter: asyncio.StreamWriter — a Transport and its StreamReaderProtocol. Writes go to the
// transport at once (what the host cannot take is buffered there); `drain()` is the backpressure
// point: it waits while the protocol's writing is paused (the buffer went over its high-water
// mark and is not back to the low one yet) and rethrows the connection's error once it is lost.

import type { Coroutine } from "../../tasks/coroutine.js";
import { writerStartTls, type StartTlsOptions } from "../tls/start-tls.js";
import type { TlsOptions } from "../../hosts/tls-api.js";
import { Future } from "../../tasks/future.js";
import { describe } from "../../checks.js";
import { socketError, type SocketError } from "./socket-errors.js";
import { Transport } from "../transports/transport.js";
import { StreamReaderProtocol } from "./stream-reader-protocol.js";
import { StreamReader } from "./stream-reader.js";

/** A coroutine that is already finished (returns undefined at its first step). */
function doneCoroutine(): Coroutine<void> {
  return DONE as unknown as Coroutine<void>;
}

const DONE_RESULT: IteratorReturnResult<undefined> = { done: true, value: undefined };
const DONE = {
  next: () => DONE_RESULT,
  return: () => DONE_RESULT,
  throw: (e: unknown): never => {
    throw e;
  },
  [Symbol.iterator]() {
    return this;
  },
};

/**
 * The error drain() throws for a lost connection: the socket error as the write side sees it
 * (`syscall: "write"`, same code), whichever call first noticed it; the original is its `cause`.
 */
function asWriteError(exc: unknown): unknown {
  const e = exc as Partial<SocketError>;
  if (!(exc instanceof Error) || typeof e.code !== "string" || typeof e.syscall !== "string" || e.syscall === "write")
    return exc;
  const err = socketError(e.code, "write");
  err.cause = exc;
  return err;
}

export class StreamWriter {
  /** The transport underneath (asyncio's `writer.transport`); replaced by startTls(). */
  transport: Transport;
  /** @internal */ readonly _protocol: StreamReaderProtocol;
  private readonly reader: StreamReader | null;

  /** @internal Use openConnection() or startServer(). */
  constructor(transport: Transport, reader: StreamReader | null) {
    if (!(transport instanceof Transport))
      throw new TypeError("a StreamWriter needs a transport (use openConnection() or startServer())");
    const protocol = transport.getProtocol();
    if (!(protocol instanceof StreamReaderProtocol))
      throw new TypeError("a StreamWriter's transport must carry a StreamReaderProtocol");
    if (reader !== null && !(reader instanceof StreamReader))
      throw new TypeError("a StreamWriter's reader must be a StreamReader or null");
    this.transport = transport;
    this._protocol = protocol;
    this.reader = reader;
  }

  /** Writes `data` (a string is sent as UTF-8); never waits — follow with `yield* drain()`. */
  write(data: Uint8Array | string): void {
    this.transport.write(data);
  }

  /** Writes every chunk of `chunks`. */
  writelines(chunks: Iterable<Uint8Array | string>): void {
    if (
      chunks === null ||
      typeof chunks !== "object" ||
      typeof (chunks as Iterable<unknown>)[Symbol.iterator] !== "function"
    ) {
      throw new TypeError(`writelines() needs an iterable of chunks, got ${describe(chunks)}`);
    }
    for (const c of chunks) this.transport.write(c);
  }

  /** Closes the write side once buffered bytes are sent (the peer reads EOF). */
  writeEof(): void {
    this.transport.writeEof();
  }

  canWriteEof(): boolean {
    return this.transport.canWriteEof();
  }

  /** Closes the stream once buffered bytes are sent; `waitClosed()` waits for it. */
  close(): void {
    this.transport.close();
  }

  isClosing(): boolean {
    return this.transport.isClosing();
  }

  /**
   * Waits until the connection is closed; throws the error it was lost with, if any. Each call
   * waits on a future of its own, so cancelling one waiter (a timeout) leaves the others waiting.
   */
  *waitClosed(): Coroutine<void> {
    const closed = this._protocol._closed();
    if (!closed.done()) {
      const mine = new Future<void>(closed.getLoop());
      const wake = (): void => {
        if (!mine.done()) mine.setResult(undefined);
      };
      closed.addDoneCallback(wake);
      try {
        yield* mine;
      } finally {
        closed.removeDoneCallback(wake);
      }
    }
    closed.result();
  }

  /**
   * Waits until the write buffer is down to its low-water mark (at once when it is not over the
   * high-water mark). Throws the connection's error once it is lost.
   */
  drain(): Coroutine<void> {
    // The common case (nothing buffered past the mark, no error) costs no generator.
    if (
      this._protocol._drainable() &&
      !this.transport.isClosing() &&
      (this.reader === null || this.reader.exception() === null)
    )
      return doneCoroutine();
    return this.drainSlow();
  }

  private *drainSlow(): Coroutine<void> {
    const exc = this.reader?.exception() ?? null;
    if (exc !== null) throw asWriteError(exc);
    if (this.transport.isClosing()) yield; // let connection-lost run, so its error is seen
    try {
      yield* this._protocol._drainHelper();
    } catch (e) {
      throw asWriteError(e);
    }
  }

  /**
   * Upgrades the connection to TLS in place (STARTTLS): waits until buffered bytes are sent, runs
   * the handshake, then the reader and this writer go on over TLS. `options`: node:tls options
   * (ca, key, cert…) plus `serverHostname`, `sslHandshakeTimeout` and `serverSide`.
   */
  startTls(options: TlsOptions & StartTlsOptions = {}): Coroutine<void> {
    return writerStartTls(this, this.reader, options);
  }

  /** `"peername"`, `"sockname"` ({ address, port, family }) or `"fd"`; `dflt` for others. */
  getExtraInfo(name: string, dflt: unknown = null): unknown {
    return this.transport.getExtraInfo(name, dflt);
  }

  toString(): string {
    return `<StreamWriter transport=${this.transport}${this.reader ? ` reader=${this.reader}` : ""}>`;
  }
}
