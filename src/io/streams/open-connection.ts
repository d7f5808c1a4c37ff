// openConnection: asyncio.open_connection — a TCP connection as a (reader, writer) pair.

import { checkConnectHost, checkPort } from "../../hosts/socket-api.js";
import { happyEyeballsFd, type HappyEyeballsPlan } from "../sock/happy-eyeballs-connect.js";
import { happyEyeballs, type HappyEyeballsOptions } from "./happy-eyeballs.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { getRunningLoop } from "../../loop/running.js";
import { checkNetPermission } from "../permission-error.js";
import { formatHostPort } from "./socket-errors.js";
import { isSimulated, socketHostOf } from "./socket-host-of.js";
import { settledFd } from "../transports/connect-fd.js";
import { streamPair } from "./stream-pair.js";
import { checkLimit, type StreamReader } from "./stream-reader.js";
import type { StreamWriter } from "./stream-writer.js";
import { tlsArgs, type TlsArgs, type TlsCallOptions } from "../tls/tls-args.js";
import { connectedTlsFd, tlsExtra } from "../tls/tls-fds.js";

export interface OpenConnectionOptions extends TlsCallOptions, HappyEyeballsOptions {
  /** The reader's buffer limit in bytes (default 64 KiB). */
  limit?: number;
}

/**
 * Connects to `host`:`port` (IPv4, IPv6 or a name) and returns [reader, writer]. A refused or
 * failed connection throws an Error whose `code` is the errno name ("ECONNREFUSED", …). With
 * `ssl`, returns once the TLS handshake is done (a failed one throws with node:tls's code).
 */
export function openConnection(
  host: string,
  port: number,
  options: OpenConnectionOptions = {},
): Coroutine<[StreamReader, StreamWriter]> {
  checkConnectHost(host);
  checkPort(port);
  const limit = checkLimit(options?.limit);
  const tls = tlsArgs(options, false);
  const eyeballs = happyEyeballs(options);
  if (tls !== null) return connectTls(host, port, limit, tls);
  return connect(host, port, limit, eyeballs);
}

function* connectTls(host: string, port: number, limit: number, tls: TlsArgs): Coroutine<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const [sockets, fd] = yield* connectedTlsFd(loop, host, port, tls);
  return streamPair(loop, sockets, fd, limit, tlsExtra(sockets, fd));
}

function* connect(
  host: string,
  port: number,
  limit: number,
  eyeballs?: HappyEyeballsPlan,
): Coroutine<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const sockets = socketHostOf(loop);
  if (!isSimulated(sockets)) checkNetPermission("connect", formatHostPort(host, port));
  if (eyeballs !== undefined)
    return streamPair(loop, sockets, yield* happyEyeballsFd(loop, sockets, host, port, eyeballs), limit);
  const fd = yield* settledFd(loop, sockets, sockets.connect(host, port), "connect", host, port);
  return streamPair(loop, sockets, fd, limit);
}
