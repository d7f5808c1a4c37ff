// asyncio's low-level socket coroutines (loop.sock_*) over the host's socket fds: each tries the
// host's non-blocking call first and, on EAGAIN, waits for the fd's readiness through the loop
// (addReader/addWriter: host → fd table → the core's poll_oneoff), then tries again. A cancelled
// call removes its reader or writer; nothing is consumed before a call succeeds.
//
// The host has no unconnected socket objects, so where asyncio takes a socket to connect or
// listen, wasio makes the fd: sockConnect(address) and sockListen(address) return a new fd, and
// sockClose(fd) closes one. An fd that a transport or stream uses must not be given to these.

import { ERRNO_AGAIN, errnoName } from "../../hosts/errno.js";
import {
  checkBacklog,
  checkConnectHost,
  checkListenHost,
  checkPort,
  DEFAULT_BACKLOG,
  type SocketHostApi,
  type SockAddr,
} from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import { checkFd, describe } from "../../checks.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { socketError } from "../streams/socket-errors.js";
import { socketHostOf } from "../streams/socket-host-of.js";
import { settledFd } from "../transports/connect-fd.js";

function* ready(loop: EventLoop, fd: number, write: boolean): Coroutine<void> {
  const fut = new Future<void>(loop);
  if (write) loop.addWriter(fd, settle, fut);
  else loop.addReader(fd, settle, fut);
  try {
    yield* fut;
  } finally {
    if (write) loop.removeWriter(fd);
    else loop.removeReader(fd);
  }
}

function settle(fut: Future<void>): void {
  if (!fut.done()) fut.setResult(undefined);
}

function fail(host: SocketHostApi, fd: number, errno: number, syscall: string): Error {
  return socketError(host.sockError(fd) ?? errnoName(errno), syscall);
}

function checkAddress(address: unknown, listen: boolean): [string, number] {
  if (!Array.isArray(address) || address.length !== 2)
    throw new TypeError(`address must be [host, port], got ${describe(address)}`);
  if (listen) checkListenHost(address[0]);
  else checkConnectHost(address[0]);
  checkPort(address[1]);
  return [address[0], address[1]];
}

/** Connects to `[host, port]`; the connected fd. Failures throw with `code` (ECONNREFUSED…). */
export function sockConnect(loop: EventLoop, address: [string, number]): Coroutine<number> {
  const [host, port] = checkAddress(address, false);
  return connect(loop, host, port);
}

function* connect(loop: EventLoop, host: string, port: number): Coroutine<number> {
  const sockets = socketHostOf(loop);
  return yield* settledFd(loop, sockets, sockets.connect(host, port), "connect", host, port);
}

/** Listens on `[host, port]` (null host: every interface; port 0: a free one); the listening fd. */
export function sockListen(
  loop: EventLoop,
  address: [string | null, number],
  backlog = DEFAULT_BACKLOG,
): Coroutine<number> {
  const [host, port] = checkAddress(address, true);
  checkBacklog(backlog);
  return listen(loop, host, port, backlog);
}

function* listen(loop: EventLoop, host: string | null, port: number, backlog: number): Coroutine<number> {
  const sockets = socketHostOf(loop);
  return yield* settledFd(loop, sockets, sockets.listen(host, port, backlog), "listen", host ?? "*", port);
}

/** Waits for a connection on listening `fd`: [its fd, the peer's address]. */
export function* sockAccept(loop: EventLoop, fd: number): Coroutine<[number, SockAddr | null]> {
  checkFd(fd);
  const host = socketHostOf(loop);
  for (;;) {
    const c = host.sockAccept(fd);
    if (c >= 0) return [c, host.peerName(c)];
    if (c !== -ERRNO_AGAIN) throw fail(host, fd, -c, "accept");
    yield* ready(loop, fd, false);
  }
}

/** Receives into `buf`: the byte count, 0 at EOF. */
export function* sockRecvInto(loop: EventLoop, fd: number, buf: Uint8Array): Coroutine<number> {
  checkFd(fd);
  if (!(buf instanceof Uint8Array)) throw new TypeError("buf must be a Uint8Array");
  const host = socketHostOf(loop);
  for (;;) {
    const n = host.sockRecv(fd, buf);
    if (n >= 0) return n;
    if (n !== -ERRNO_AGAIN) throw fail(host, fd, -n, "recv");
    yield* ready(loop, fd, false);
  }
}

/** The largest sockRecv: its buffer is allocated up front. */
const MAX_RECV = 2 ** 31 - 1;

/** Receives up to `nbytes`: the bytes (empty at EOF). */
export function sockRecv(loop: EventLoop, fd: number, nbytes: number): Coroutine<Uint8Array> {
  if (typeof nbytes !== "number" || !Number.isInteger(nbytes))
    throw new TypeError(`nbytes must be an integer, got ${describe(nbytes)}`);
  if (nbytes < 0 || nbytes > MAX_RECV) throw new RangeError(`nbytes must be between 0 and ${MAX_RECV}, got ${nbytes}`);
  checkFd(fd);
  return recv(loop, fd, nbytes);
}

function* recv(loop: EventLoop, fd: number, nbytes: number): Coroutine<Uint8Array> {
  const buf = new Uint8Array(nbytes);
  const n = yield* sockRecvInto(loop, fd, buf);
  return n === nbytes ? buf : buf.slice(0, n);
}

/** Sends all of `data`, waiting for room as needed. */
export function* sockSendall(loop: EventLoop, fd: number, data: Uint8Array | string): Coroutine<void> {
  checkFd(fd);
  let bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  if (!(bytes instanceof Uint8Array)) throw new TypeError("data must be a Uint8Array or a string");
  const host = socketHostOf(loop);
  while (bytes.length > 0) {
    const n = host.sockSend(fd, bytes);
    if (n >= 0) {
      bytes = bytes.subarray(n);
      continue;
    }
    if (n !== -ERRNO_AGAIN) throw fail(host, fd, -n, "send");
    yield* ready(loop, fd, true);
  }
}

/** Closes a socket fd (queued bytes are still sent). */
export function sockClose(loop: EventLoop, fd: number): void {
  checkFd(fd);
  const host = socketHostOf(loop);
  if (host.fdClose(fd) < 0) throw socketError("EBADF", "close");
}
