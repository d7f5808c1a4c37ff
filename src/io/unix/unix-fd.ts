// Opening Unix socket fds for the stream and protocol layers: the path is checked (too long,
// empty: an Error with `code`, thrown inside the coroutine like any socket error), the fd is
// opened on the loop's host, and its connect or bind is awaited; a bind refused because
// something other than a socket is at the path says so.

import { SocketHost } from "../../hosts/node/socket-host.js";
import { DEFAULT_BACKLOG, checkBacklog } from "../../hosts/socket-api.js";
import { connectUnix, describeUnixPath, listenUnix, unixPathProblem } from "../../hosts/node/unix-socket.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { socketError } from "../streams/socket-errors.js";
import { socketHostOf } from "../streams/socket-host-of.js";
import { settledFd } from "../transports/connect-fd.js";

function unixHost(loop: EventLoop, path: string, syscall: string): SocketHost {
  const problem = unixPathProblem(path);
  if (problem !== null) {
    const err = socketError(problem.code, syscall, typeof path === "string" ? path : undefined);
    err.message = `${syscall} ${problem.code}: ${problem.message}`;
    throw err;
  }
  const host = socketHostOf(loop);
  if (!(host instanceof SocketHost)) throw new Error(`Unix sockets need a host with them; "${host.name}" has none`);
  return host;
}

/** A connected Unix socket fd of the loop's host. */
export function* connectedUnixFd(loop: EventLoop, path: string): Coroutine<[SocketHost, number]> {
  const host = unixHost(loop, path, "connect");
  return [host, yield* settledFd(loop, host, connectUnix(host, path), "connect", path)];
}

/** A listening Unix socket fd of the loop's host. */
export function* boundUnixFd(loop: EventLoop, path: string, backlog: number | undefined): Coroutine<[SocketHost, number, number]> {
  const b = backlog ?? DEFAULT_BACKLOG;
  checkBacklog(b);
  const host = unixHost(loop, path, "listen");
  try {
    return [host, yield* settledFd(loop, host, listenUnix(host, path, b), "listen", path), b];
  } catch (e) {
    if ((e as { code?: string }).code === "EADDRINUSE") (e as Error).message += describeUnixPath(path);
    throw e;
  }
}
