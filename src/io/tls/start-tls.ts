// Starting TLS on an open connection (STARTTLS): asyncio's loop.start_tls and
// StreamWriter.start_tls. The write buffer is drained first, the plain transport gives up its fd
// without closing the connection, the handshake runs on a new fd, and a new transport takes over:
// for streams the same reader and writer go on over it, for protocols the new Transport is
// returned (the protocol now gets its callbacks from that one).

import type { IoHostApi } from "../../hosts/io-api.js";
import { errnoName } from "../../hosts/errno.js";
import type { TlsOptions } from "../../hosts/tls-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { socketError } from "../streams/socket-errors.js";
import type { StreamReader } from "../streams/stream-reader.js";
import type { StreamWriter } from "../streams/stream-writer.js";
import { settledFd } from "../transports/connect-fd.js";
import type { StreamProtocolLike } from "../transports/protocols.js";
import { START_TAKEOVER, Transport } from "../transports/transport.js";
import { tlsArgs } from "./tls-args.js";
import { tlsExtra, tlsHost } from "./tls-fds.js";

export interface StartTlsOptions {
  /** The server side of the handshake (ssl must then hold the key and certificate). */
  serverSide?: boolean;
  serverHostname?: string | null;
  sslHandshakeTimeout?: number | null;
}

/** Checks the options before anything is given up: a server side needs its key. */
function checkStartTls(ssl: true | TlsOptions, options: StartTlsOptions): void {
  tlsArgs({ ssl, serverHostname: options.serverHostname, sslHandshakeTimeout: options.sslHandshakeTimeout }, false);
  if (options.serverSide === true && (ssl === true || (ssl.key === undefined && ssl.pfx === undefined))) {
    throw new TypeError("the server side of startTls needs options with its key and certificate");
  }
}

function* upgraded(
  loop: EventLoop,
  host: IoHostApi,
  fd: number,
  ssl: true | TlsOptions,
  options: StartTlsOptions,
): Coroutine<number> {
  const args = tlsArgs(
    { ssl, serverHostname: options.serverHostname, sslHandshakeTimeout: options.sslHandshakeTimeout },
    false,
  )!;
  const tfd = host.upgradeTls(fd, args.options, options.serverSide === true, { serverHostname: args.serverHostname });
  if (tfd < 0) throw socketError(errnoName(-tfd), "startTls");
  return yield* settledFd(loop, host, tfd, "startTls", undefined, undefined, args.timeoutMs);
}

/** StreamWriter.startTls: the reader and writer go on over TLS. */
export function* writerStartTls(
  writer: StreamWriter,
  reader: StreamReader | null,
  all: TlsOptions & StartTlsOptions,
): Coroutine<void> {
  if (all === null || typeof all !== "object")
    throw new TypeError(`startTls() takes an object of options, got ${all === null ? "null" : typeof all}`);
  const { serverSide, serverHostname, sslHandshakeTimeout, ...ssl } = all;
  const options: StartTlsOptions = { serverSide, serverHostname, sslHandshakeTimeout };
  const old = writer.transport;
  const loop = old._loop;
  const host = tlsHost(loop);
  checkStartTls(ssl, options);
  // Wait until nothing is left to send: with both marks at 0, drain() waits for an empty buffer.
  const [low, high] = old.getWriteBufferLimits();
  old.setWriteBufferLimits(0, 0);
  try {
    yield* writer.drain();
  } finally {
    old.setWriteBufferLimits(high, low);
  }
  const fd = old._detach();
  if (fd < 0) throw new Error("startTls(): the connection is closing or still has bytes to send");
  const tfd = yield* upgraded(loop, host, fd, ssl, options);
  if (reader === null) throw new Error("startTls() needs the writer's reader");
  const protocol = writer._protocol;
  const next = new Transport(loop, host, tfd, protocol, null, tlsExtra(host, tfd), START_TAKEOVER);
  protocol._takeOver(next);
  handOver(old, next);
  writer.transport = next;
}

/** A server that counted the old transport among its connections counts the new one instead. */
function handOver(old: { _onLost: unknown }, next: { _onLost: unknown }): void {
  (old._onLost as { _handOver?(o: unknown, n: unknown): void } | null)?._handOver?.(old, next);
}

/**
 * loop.startTls: upgrades `transport` (whose protocol is `protocol`) to TLS and returns the new
 * Transport, which calls `protocol`; the old one is done (nothing more is called through it).
 */
export function* loopStartTls(
  loop: EventLoop,
  transport: Transport,
  protocol: StreamProtocolLike,
  ssl: true | TlsOptions,
  options: StartTlsOptions = {},
): Coroutine<Transport> {
  if (!(transport instanceof Transport))
    throw new TypeError("startTls() needs a Transport from createConnection or createServer");
  checkStartTls(ssl, options);
  const host = tlsHost(loop);
  yield* transport._flushed();
  const fd = transport._detach();
  if (fd < 0) throw new Error("startTls(): the transport is closing");
  const tfd = yield* upgraded(loop, host, fd, ssl, options);
  const waiter = new Future<void>(loop);
  const t = new Transport(loop, host, tfd, protocol, waiter, tlsExtra(host, tfd), START_TAKEOVER);
  handOver(transport, t);
  yield* waiter;
  return t;
}
