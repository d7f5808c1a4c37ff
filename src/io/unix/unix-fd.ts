// Opening Unix socket fds for the stream and protocol layers: the path is checked (too long,
// empty: an Error with `code`, thrown inside the coroutine like any socket error), the fd is
// opened on the loop's host, and its connect or bind is awaited; a bind refused because
// something other than a socket is at the path says so.

import type { IoHostApi } from "../../hosts/io-api.js";
import { ioHostOf } from "../io-host-of.js";
import { DEFAULT_BACKLOG, checkBacklog } from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { socketError } from "../streams/socket-errors.js";
import { settledFd } from "../transports/connect-fd.js";

function unixHost(loop: EventLoop, path: string, syscall: string): IoHostApi {
  const host = ioHostOf(loop, "Unix sockets");
  const problem = host.unixPathProblem(path);
  if (problem !== null) {
    const err = socketError(problem.code, syscall, typeof path === "string" ? path : undefined);
    err.message = `${syscall} ${problem.code}: ${problem.message}`;
    throw err;
  }
  return host;
}

/** A connected Unix socket fd of the loop's host. */
export function* connectedUnixFd(loop: EventLoop, path: string): Coroutine<[IoHostApi, number]> {
  const host = unixHost(loop, path, "connect");
  return [host, yield* settledFd(loop, host, host.connectUnix(path), "connect", path)];
}

/** A listening Unix socket fd of the loop's host. */
export function* boundUnixFd(
  loop: EventLoop,
  path: string,
  backlog: number | undefined,
  cleanupSocket = true,
): Coroutine<[IoHostApi, number, number]> {
  const b = backlog ?? DEFAULT_BACKLOG;
  checkBacklog(b);
  const host = unixHost(loop, path, "listen");
  try {
    return [host, yield* settledFd(loop, host, host.listenUnix(path, b, cleanupSocket), "listen", path), b];
  } catch (e) {
    if ((e as { code?: string }).code === "EADDRINUSE") (e as Error).message += host.describeUnixPath(path);
    throw e;
  }
}

/** The cleanupSocket option: a boolean or undefined (true). */
export function checkCleanupSocket(cleanupSocket: unknown): void {
  if (cleanupSocket !== undefined && typeof cleanupSocket !== "boolean")
    throw new TypeError(`cleanupSocket must be a boolean, got ${typeof cleanupSocket}`);
}
