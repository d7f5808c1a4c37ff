// openUnixConnection and startUnixServer: asyncio.open_unix_connection / start_unix_server —
// the streams API over Unix domain sockets. Everything but the address works as for TCP.

import { getRunningLoop } from "../../loop/running.js";
import { checkCallback } from "../../checks.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { serveOn, streamsAccepted, type ClientConnected, type Server } from "../streams/server.js";
import { streamPair } from "../streams/stream-pair.js";
import { checkLimit, type StreamReader } from "../streams/stream-reader.js";
import type { StreamWriter } from "../streams/stream-writer.js";
import { boundUnixFd, checkCleanupSocket, connectedUnixFd } from "./unix-fd.js";

export interface UnixStreamOptions {
  /** The reader's buffer limit in bytes (default 64 KiB). */
  limit?: number;
}

export interface StartUnixServerOptions extends UnixStreamOptions {
  /** The listen backlog (default 511). */
  backlog?: number;
  /**
   * Remove the socket file when the server closes, unless another file replaced it since
   * (default true, as asyncio's cleanup_socket).
   */
  cleanupSocket?: boolean;
}

/** Connects to the Unix socket at `path`; [reader, writer]. Failures throw an Error with `code` (ENOENT, ECONNREFUSED…). */
export function openUnixConnection(
  path: string,
  options: UnixStreamOptions = {},
): Coroutine<[StreamReader, StreamWriter]> {
  const limit = checkLimit(options?.limit);
  return connectStreams(path, limit);
}

function* connectStreams(path: string, limit: number): Coroutine<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const [host, fd] = yield* connectedUnixFd(loop, path);
  return streamPair(loop, host, fd, limit);
}

/**
 * Listens on a Unix socket at `path` (a socket file already there is replaced; any other file
 * there fails with EADDRINUSE) and calls `clientConnected(reader, writer)` per connection. The
 * socket file is removed when the server closes if it is still the server's (see cleanupSocket).
 * `server.address()` is `{ address: path, port: 0, family: "unix" }`.
 */
export function startUnixServer(
  clientConnected: ClientConnected,
  path: string,
  options: StartUnixServerOptions = {},
): Coroutine<Server> {
  checkCallback(clientConnected, "clientConnected");
  const limit = checkLimit(options?.limit);
  checkCleanupSocket(options?.cleanupSocket);
  return serveStreams(clientConnected, path, limit, options?.backlog, options?.cleanupSocket);
}

function* serveStreams(
  clientConnected: ClientConnected,
  path: string,
  limit: number,
  backlog: number | undefined,
  cleanupSocket: boolean | undefined,
): Coroutine<Server> {
  const loop = getRunningLoop();
  const [host, fd, b] = yield* boundUnixFd(loop, path, backlog, cleanupSocket);
  return yield* serveOn(loop, host, fd, streamsAccepted(clientConnected, limit), b);
}
