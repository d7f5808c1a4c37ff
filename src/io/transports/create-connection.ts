// loop.createConnection and loop.createServer: asyncio's protocol-level TCP client and server.
// createConnection returns [transport, protocol] once the connection is up and connectionMade
// has run; createServer returns a serving Server whose accepted connections each get a protocol
// from the factory.

import {
  DEFAULT_BACKLOG,
  checkBacklog,
  checkConnectHost,
  checkListenHost,
  checkPort,
  type SocketHostApi,
} from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { serveOn, type AcceptedFd, type Server } from "../streams/server.js";
import { socketHostOf } from "../streams/socket-host-of.js";
import { settledFd } from "./connect-fd.js";
import { checkProtocolFactory, makeStreamProtocol, type StreamProtocolLike } from "./protocols.js";
import { Transport, type ExtraInfo } from "./transport.js";
import type { TlsOptions } from "../../hosts/tls-api.js";
import { happyEyeballs, type HappyEyeballsOptions } from "../streams/happy-eyeballs.js";
import { happyEyeballsFd, type HappyEyeballsPlan } from "../sock/happy-eyeballs-connect.js";
import { tlsArgs, type TlsArgs, type TlsCallOptions } from "../tls/tls-args.js";
import { boundTlsFd, connectedTlsFd, tlsExtra } from "../tls/tls-fds.js";

export interface CreateConnectionOptions extends TlsCallOptions, HappyEyeballsOptions {}

export interface CreateServerOptions {
  /** The listen backlog (default 511). */
  backlog?: number;
  /** TLS: node:tls options with the server's key and certificate. */
  ssl?: TlsOptions | null;
  /** How long a client's TLS handshake may take, ms (default 60,000). */
  sslHandshakeTimeout?: number | null;
}

/** asyncio's loop.create_connection for TCP: connects, then runs `protocolFactory()`'s protocol on it. */
export function createConnection<P extends StreamProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  host: string,
  port: number,
  options: CreateConnectionOptions = {},
): Coroutine<[Transport, P]> {
  checkProtocolFactory(protocolFactory);
  checkConnectHost(host);
  checkPort(port);
  const tls = tlsArgs(options, false);
  const eyeballs = happyEyeballs(options);
  if (tls !== null) return connectTlsProtocol(loop, protocolFactory, host, port, tls);
  if (eyeballs !== undefined) return raceProtocol(loop, protocolFactory, host, port, eyeballs);
  return connectProtocol(loop, protocolFactory, (sockets) => sockets.connect(host, port), host, port);
}

function* raceProtocol<P extends StreamProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  host: string,
  port: number,
  plan: HappyEyeballsPlan,
): Coroutine<[Transport, P]> {
  const sockets = socketHostOf(loop);
  return yield* wrapProtocol(loop, sockets, yield* happyEyeballsFd(loop, sockets, host, port, plan), protocolFactory);
}

function* connectTlsProtocol<P extends StreamProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  host: string,
  port: number,
  tls: TlsArgs,
): Coroutine<[Transport, P]> {
  const [sockets, fd] = yield* connectedTlsFd(loop, host, port, tls);
  return yield* wrapProtocol(loop, sockets, fd, protocolFactory, tlsExtra(sockets, fd));
}

/** Connects with `open` (an fd that becomes writable once connected) and wraps it in a Transport. */
export function* connectProtocol<P extends StreamProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  open: (host: SocketHostApi) => number,
  address: string,
  port?: number,
  extra?: ExtraInfo,
): Coroutine<[Transport, P]> {
  const sockets = socketHostOf(loop);
  const fd = yield* settledFd(loop, sockets, open(sockets), "connect", address, port);
  return yield* wrapProtocol(loop, sockets, fd, protocolFactory, extra);
}

/** Wraps connected `fd` in a Transport for a new protocol; returns once connectionMade has run. */
export function* wrapProtocol<P extends StreamProtocolLike>(
  loop: EventLoop,
  sockets: SocketHostApi,
  fd: number,
  protocolFactory: () => P,
  extra?: ExtraInfo,
): Coroutine<[Transport, P]> {
  let protocol: P;
  try {
    protocol = makeStreamProtocol(protocolFactory);
  } catch (e) {
    sockets.fdClose(fd);
    throw e;
  }
  const waiter = new Future<void>(loop);
  const transport = new Transport(loop, sockets, fd, protocol, waiter, extra);
  try {
    yield* waiter;
  } catch (e) {
    transport.abort();
    throw e;
  }
  return [transport, protocol];
}

/** asyncio's loop.create_server for TCP: every accepted connection gets a protocol from the factory. */
export function createServer(
  loop: EventLoop,
  protocolFactory: () => StreamProtocolLike,
  host: string | null | undefined,
  port: number,
  options: CreateServerOptions = {},
): Coroutine<Server> {
  checkProtocolFactory(protocolFactory);
  const where = host ?? null;
  checkListenHost(where);
  checkPort(port);
  const backlog = options?.backlog ?? DEFAULT_BACKLOG;
  checkBacklog(backlog);
  const tls = tlsArgs(options, true);
  if (tls !== null) return listenTlsProtocol(loop, protocolFactory, where, port, backlog, tls);
  return listenProtocol(
    loop,
    protocolFactory,
    (sockets) => sockets.listen(where, port, backlog),
    where ?? "*",
    port,
    backlog,
  );
}

/** Binds with `open` (a listener fd that becomes writable once bound) and serves protocols on it. */
export function* listenProtocol(
  loop: EventLoop,
  protocolFactory: () => StreamProtocolLike,
  open: (host: SocketHostApi) => number,
  address: string,
  port: number | undefined,
  backlog: number,
): Coroutine<Server> {
  const sockets = socketHostOf(loop);
  const fd = yield* settledFd(loop, sockets, open(sockets), "listen", address, port);
  return yield* serveOn(loop, sockets, fd, protocolAccepted(protocolFactory), backlog);
}

function* listenTlsProtocol(
  loop: EventLoop,
  protocolFactory: () => StreamProtocolLike,
  where: string | null,
  port: number,
  backlog: number,
  tls: TlsArgs,
): Coroutine<Server> {
  const [host, fd] = yield* boundTlsFd(loop, where, port, backlog, tls);
  return yield* serveOn(loop, host, fd, protocolAccepted(protocolFactory, tlsExtra), backlog);
}

/** Each accepted fd gets a Transport and a protocol from `protocolFactory`. */
export function protocolAccepted(
  protocolFactory: () => StreamProtocolLike,
  extra?: (host: any, fd: number) => ExtraInfo,
): AcceptedFd {
  return (_server, loop, host, cfd) =>
    new Transport(loop, host, cfd, makeStreamProtocol(protocolFactory), null, extra?.(host, cfd));
}
