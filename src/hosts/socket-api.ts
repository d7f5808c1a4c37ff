// The socket contract between a host and the streams layer, host-neutral: TCP through fds with a
// WASI-shaped data path (numbers in, numbers out, never blocking, -errno on failure). A host that
// offers sockets implements SocketHostApi (NodeHost does, through SocketHost in node/); the
// streams layer uses only this file's names, so another host (a WASI socket runtime) can serve it.
// The argument checks of connect and listen are here too, shared by hosts and streams (one rule
// per argument: the port check also serves getaddrinfo).

import type { Host } from "./host.js";
import { describe } from "../checks.js";

/** A socket address in Node's shape. */
export interface SockAddr {
  address: string;
  port: number;
  family: string;
}

/**
 * A Unix socket's address in the same shape: the path in `address` ("" for an unnamed socket,
 * as a connecting client's own end is), port 0, family "unix".
 */
export function unixSockAddr(path: string): SockAddr {
  return { address: path, port: 0, family: "unix" };
}

/** WASI sdflags for `sockShutdown`. */
export const SHUT_RD = 1;
export const SHUT_WR = 2;

/** The listen backlog when none is given (Node's default). */
export const DEFAULT_BACKLOG = 511;

/** How connect() picks among a name's addresses. */
export interface ConnectOptions {
  /**
   * Happy Eyeballs (RFC 8305): try the next address (alternating IPv6 and IPv4) when one has not
   * connected within this many ms (at least 10); undefined: the runtime's default.
   */
  happyEyeballsDelay?: number;
}

/** What a host offers the streams layer: TCP through fds. */
export interface SocketHostApi extends Host {
  /** Starts a non-blocking connect: the fd is writable once connected; on failure `sockError` names why. */
  connect(host: string, port: number, options?: ConnectOptions): number;
  /** Listens: the fd is writable once bound, readable while a connection waits. */
  listen(host: string | null, port: number, backlog?: number): number;
  /** Reads into `into`: bytes read, 0 at EOF, -EAGAIN when nothing is buffered, or -errno. */
  sockRecv(fd: number, into: Uint8Array): number;
  /**
   * Optional, for hosts that receive in chunks of their own: takes up to `max` queued bytes as an
   * array nobody else holds (the caller keeps it; the host's own chunk where it can, no copy), or
   * the number sockRecv would give instead (0 at EOF, -EAGAIN, -errno).
   */
  sockRecvOwned?(fd: number, max: number): Uint8Array | number;
  /**
   * Queues `data`: bytes taken, -EAGAIN over the write buffer's high-water mark, or -errno.
   * `given`: the caller gives `data` up (never changes it again), so the host may keep the array
   * itself instead of a copy of what it takes (a host is free to copy anyway).
   */
  sockSend(fd: number, data: Uint8Array, given?: boolean): number;
  /** A connection's new fd, or -EAGAIN. */
  sockAccept(fd: number): number;
  /** Shuts reading (SHUT_RD), writing (SHUT_WR: FIN after queued bytes) or both down. */
  sockShutdown(fd: number, how: number): number;
  /** Closes with a reset. */
  sockAbort(fd: number): number;
  fdClose(fd: number): number;
  /** The error name ("ECONNREFUSED") of a failed socket, or null. */
  sockError(fd: number): string | null;
  sockName(fd: number): SockAddr | null;
  peerName(fd: number): SockAddr | null;
}

/** True when `host` can make sockets (has the SocketHostApi methods). */
export function isSocketHost(host: Host): host is SocketHostApi {
  const h = host as Partial<SocketHostApi>;
  return (
    typeof h.connect === "function" &&
    typeof h.listen === "function" &&
    typeof h.sockRecv === "function" &&
    typeof h.sockSend === "function" &&
    typeof h.sockAccept === "function"
  );
}

/** Checks a host name or address for connect(): a non-empty string. */
export function checkConnectHost(host: string): void {
  if (typeof host !== "string" || host === "")
    throw new TypeError(`connect() needs a host name or address, got ${describe(host)}`);
}

/** Checks a host address for listen(): a non-empty string, or null for every interface. */
export function checkListenHost(host: string | null): void {
  if (host !== null && (typeof host !== "string" || host === ""))
    throw new TypeError(`listen() needs a host address or null, got ${describe(host)}`);
}

/** Checks a port: an integer in [0, 65535]; `shown` is how the caller's value is named in the message. */
export function checkPort(port: number, shown: unknown = port): void {
  if (typeof port !== "number") throw new TypeError(`port must be an integer in [0, 65535], got ${describe(port)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`port must be an integer in [0, 65535], got ${shown}`);
}

/** Checks a listen backlog: a non-negative integer. */
export function checkBacklog(backlog: number): void {
  if (typeof backlog !== "number")
    throw new TypeError(`backlog must be a non-negative integer, got ${describe(backlog)}`);
  if (!Number.isInteger(backlog) || backlog < 0)
    throw new RangeError(`backlog must be a non-negative integer, got ${backlog}`);
}
