// loop.createUnixConnection and loop.createUnixServer: the protocol API over Unix domain sockets.

import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { serveOn, type Server } from "../streams/server.js";
import { boundUnixFd, checkCleanupSocket, connectedUnixFd } from "../unix/unix-fd.js";
import { protocolAccepted, wrapProtocol } from "./create-connection.js";
import { checkProtocolFactory, type StreamProtocolLike } from "./protocols.js";
import type { Transport } from "./transport.js";

/** Connects to the Unix socket at `path` and runs `protocolFactory()`'s protocol on it. */
export function createUnixConnection<P extends StreamProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  path: string,
): Coroutine<[Transport, P]> {
  checkProtocolFactory(protocolFactory);
  return connectUnixProtocol(loop, protocolFactory, path);
}

function* connectUnixProtocol<P extends StreamProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  path: string,
): Coroutine<[Transport, P]> {
  const [host, fd] = yield* connectedUnixFd(loop, path);
  return yield* wrapProtocol(loop, host, fd, protocolFactory);
}

/** Listens on a Unix socket at `path`; each connection gets a protocol from the factory. */
export function createUnixServer(
  loop: EventLoop,
  protocolFactory: () => StreamProtocolLike,
  path: string,
  options: { backlog?: number; cleanupSocket?: boolean } = {},
): Coroutine<Server> {
  checkProtocolFactory(protocolFactory);
  checkCleanupSocket(options?.cleanupSocket);
  return serveUnixProtocol(loop, protocolFactory, path, options?.backlog, options?.cleanupSocket);
}

function* serveUnixProtocol(
  loop: EventLoop,
  protocolFactory: () => StreamProtocolLike,
  path: string,
  backlog: number | undefined,
  cleanupSocket: boolean | undefined,
): Coroutine<Server> {
  const [host, fd, b] = yield* boundUnixFd(loop, path, backlog, cleanupSocket);
  return yield* serveOn(loop, host, fd, protocolAccepted(protocolFactory), b);
}
