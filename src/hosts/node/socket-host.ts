// The socket half of a JavaScript host: TCP sockets and listeners as fds of the host's FdTable,
// with a WASI-shaped data path — numbers in, numbers out, never blocking, -errno on failure:
//
//   connect(host, port) → fd        writable once connected; on failure the fd reports an event
//                                   and sockError(fd) names the errno (non-blocking connect)
//   listen(host, port, backlog) → fd  writable once bound; readable while a connection waits
//   sockAccept(fd) → fd | -EAGAIN   sockRecv(fd, into) → n | 0 (EOF) | -EAGAIN | -errno
//   sockRecvOwned(fd, max) → bytes | 0 | -EAGAIN | -errno  (a received chunk handed over, no copy)
//   sockSend(fd, data, given?) → n | -EAGAIN (write buffer over its high-water mark) | -errno
//                                   (given: the caller's array is kept as it is, no copy)
//   sockShutdown(fd, how)           fdClose(fd)            sockAbort(fd) (close with a reset)
//   sockName(fd), peerName(fd) → { address, port, family } (Node's shape)
//   sockSendAll(fd, data), fdCloseThen(fd, done, graceMs)   for owners that must flush everything
//   openStdin() → fd, fdRead(fd, into)   the process's stdin as an fd with real readiness
//
// Node's sockets are completion-based; the TcpSocket and TcpListener resources turn them into
// level-triggered readiness that this host's `poll_oneoff` reports, and every change to ready
// calls `notify()`, which wakes a loop waiting in `idle()`. The wake is deferred to the check
// phase of the host's own turn (setImmediate), so the sockets that became ready in one turn are
// served by one loop burst: 50 echo connections cost 3 polls per turn instead of 3 per message
// (measured: the TCP echo benchmark, scripts/bench/w6-echo.mjs, went from 0.49× to ~0.84× of
// Node's throughput; see docs/design.md). Node's `net` module is loaded lazily (process.getBuiltinModule), so hosts
// built on this class load anywhere and fail only when a socket is asked for where there is none
// (a browser). A closed socket stays tracked until Node has flushed and closed it, so that
// closing the host aborts it rather than leaving it to keep the process alive.

import type * as Net from "node:net";
import type { Resource } from "../fd-table.js";
import { HostBase } from "../host-base.js";
import { ReadyList } from "../ready-list.js";
import {
  ERRNO_BADF,
  ERRNO_INVAL,
  ERRNO_NOTCONN,
  ERRNO_NOTSOCK,
  ERRNO_PIPE,
  ERRNO_SUCCESS,
  errnoName,
} from "../errno.js";
import {
  DEFAULT_BACKLOG,
  checkBacklog,
  checkConnectHost,
  checkListenHost,
  checkPort,
  type SockAddr,
  type SocketHostApi,
  type ConnectOptions,
} from "../socket-api.js";
import { nodeBuffer, nodeNet } from "./node-modules.js";
import { checkPermission, netTarget } from "../deno-permissions.js";
import { TcpListener } from "./tcp-listener.js";
import { TcpSocket } from "./tcp-socket.js";
import { StdinReader } from "./stdin-reader.js";
import type {
  ChildHandle,
  IoHostApi,
  SpawnedChild,
  SpawnOptions,
  TlsClientOptions,
  TlsInfo,
  UdpHandle,
  UdpOpenOptions,
} from "../io-api.js";
import type { TlsOptions } from "../tls-api.js";
import { childExitOf, spawnChild } from "./child-process.js";
import { connectTls, listenTls, tlsInfoOf, upgradeTls } from "./tls-socket.js";
import { udpOpen, udpSocketOf } from "./udp-socket.js";
import { connectUnix, describeUnixPath, listenUnix, unixPathProblem } from "./unix-socket.js";
import { describe } from "../../checks.js";

/** Buffered bytes of the host's sockets, for tests and monitoring. */
export interface SocketStats {
  /** Open connected sockets (including accepted-but-waiting ones) and listeners. */
  sockets: number;
  listeners: number;
  /** Bytes received and not yet read, over all sockets, and the most held by one socket. */
  recvBuffered: number;
  maxRecvBuffered: number;
  /** Bytes in Node's write buffers, over all sockets, and the most held by one socket. */
  sendBuffered: number;
  maxSendBuffered: number;
  /** Sockets whose reading is paused because their receive buffer is full. */
  paused: number;
}

export abstract class SocketHost extends HostBase implements SocketHostApi, IoHostApi {
  private readonly sockets = new Set<TcpSocket>();
  private readonly listeners = new Set<TcpListener>();
  private notifyPending = false;
  protected override readonly readyList = new ReadyList();

  /**
   * @internal What resources call on a change to ready: notify() once per turn of the host's own
   * event loop (its check phase), however many sockets became ready in that turn, so one loop
   * burst serves them all instead of one burst per socket event.
   */
  _readinessChanged(res: Resource): void {
    this.touch(res.fd);
    if (this.notifyPending) return;
    this.notifyPending = true;
    deferToCheckPhase(flushNotify, this);
  }

  /** @internal */
  _flushNotify(): void {
    this.notifyPending = false;
    this.notify();
  }

  /** @internal Counts a socket Node accepted for one of this host's listeners. */
  _track(s: TcpSocket): void {
    this.sockets.add(s);
  }

  /** @internal A socket whose fd was closed is gone in Node too (its last writes flushed). */
  _untrack(s: TcpSocket): void {
    this.sockets.delete(s);
  }

  /** Starts connecting to `host`:`port`; returns the fd at once (writable when connected). */
  connect(host: string, port: number, options?: ConnectOptions): number {
    checkConnectHost(host);
    checkPort(port);
    checkPermission({ name: "net", host: netTarget(host, port) }, "connect");
    const o = { host, port, allowHalfOpen: true, noDelay: true } as Net.NetConnectOpts & {
      autoSelectFamily?: boolean;
      autoSelectFamilyAttemptTimeout?: number;
    };
    const delay = options?.happyEyeballsDelay;
    if (delay !== undefined) {
      o.autoSelectFamily = true;
      o.autoSelectFamilyAttemptTimeout = Math.max(10, Math.ceil(delay));
    }
    const socket = nodeNet().connect(o);
    const sock = new TcpSocket(socket, true, this);
    sock.readShared();
    this.sockets.add(sock);
    return this.fds.open(sock);
  }

  /**
   * Starts listening on `host`:`port` (null host: every interface; port 0: a free port); returns
   * the fd at once. It becomes writable when the bind finished; `sockError` then says whether it
   * failed (EADDRINUSE…). Invalid arguments throw.
   */
  listen(host: string | null, port: number, backlog = DEFAULT_BACKLOG): number {
    checkListenHost(host);
    checkPort(port);
    checkBacklog(backlog);
    checkPermission({ name: "net", host: netTarget(host, port) }, "listen");
    const server = nodeNet().createServer({ allowHalfOpen: true, noDelay: true } as Net.ServerOpts);
    const listener = new TcpListener(server, this);
    const options: Net.ListenOptions = { port, backlog };
    if (host !== null) options.host = host;
    server.listen(options);
    this.listeners.add(listener);
    return this.fds.open(listener);
  }

  sockRecv(fd: number, into: Uint8Array): number {
    const res = this.fds.get(fd);
    if (res instanceof TcpSocket) return res.recv(into);
    return res instanceof TcpListener ? -ERRNO_NOTCONN : res === undefined ? -ERRNO_BADF : -ERRNO_NOTSOCK;
  }

  sockRecvOwned(fd: number, max: number): Uint8Array | number {
    const res = this.fds.get(fd);
    if (res instanceof TcpSocket) return res.recvOwned(max);
    return res instanceof TcpListener ? -ERRNO_NOTCONN : res === undefined ? -ERRNO_BADF : -ERRNO_NOTSOCK;
  }

  sockSend(fd: number, data: Uint8Array, given = false): number {
    const res = this.fds.get(fd);
    if (res instanceof TcpSocket) return res.send(data, given);
    return res instanceof TcpListener ? -ERRNO_NOTCONN : res === undefined ? -ERRNO_BADF : -ERRNO_NOTSOCK;
  }

  /** The fd of the next waiting connection, -EAGAIN when none waits, or -errno. */
  sockAccept(fd: number): number {
    const res = this.fds.get(fd);
    if (!(res instanceof TcpListener)) return res === undefined ? -ERRNO_BADF : -ERRNO_INVAL;
    const got = res.accept();
    return typeof got === "number" ? got : this.fds.open(got);
  }

  /** Shuts down reading (how & 1) and/or writing (how & 2: FIN after queued bytes). */
  sockShutdown(fd: number, how: number): number {
    const res = this.fds.get(fd);
    if (!(res instanceof TcpSocket)) return res === undefined ? -ERRNO_BADF : -ERRNO_NOTSOCK;
    if (!(how >= 1 && how <= 3)) return -ERRNO_INVAL;
    return res.shutdown(how);
  }

  /** Closes a socket at once, dropping queued writes; the peer sees a reset. */
  sockAbort(fd: number): number {
    const res = this.fds.get(fd);
    if (!(res instanceof TcpSocket)) return res === undefined ? -ERRNO_BADF : -ERRNO_NOTSOCK;
    res.abort();
    return this.fdClose(fd);
  }

  /**
   * Queues all of `data` on socket `fd`, past the high-water mark that `sockSend` keeps: for an
   * owner that already told its writer the bytes were sent (a closing WASI guest). n or -errno.
   */
  sockSendAll(fd: number, data: Uint8Array): number {
    const res = this.fds.get(fd);
    if (!(res instanceof TcpSocket)) return res === undefined ? -ERRNO_BADF : -ERRNO_NOTSOCK;
    if (res.socket.destroyed || res.socket.writableEnded) return -ERRNO_PIPE;
    res.socket.write(nodeBuffer().from(data));
    return data.length;
  }

  /**
   * Closes `fd` like `fdClose`, then calls `done()` once a socket's queued bytes are flushed and
   * the runtime has closed it (at once for anything else); after `graceMs` it is reset instead.
   */
  fdCloseThen(fd: number, done: () => void, graceMs: number): number {
    if (typeof done !== "function") throw new TypeError(`fdCloseThen() needs a callback, got ${describe(done)}`);
    if (typeof graceMs !== "number" || !(graceMs >= 0))
      throw new TypeError(`fdCloseThen() needs a grace period in ms (a number >= 0), got ${describe(graceMs)}`);
    const res = this.fds.get(fd);
    const r = this.fdClose(fd);
    if (!(res instanceof TcpSocket) || res.socket.destroyed) {
      done();
      return r;
    }
    const s = res.socket;
    const timer = setTimeout(() => s.destroy(), graceMs);
    s.once("close", () => {
      clearTimeout(timer);
      done();
    });
    return r;
  }

  /** Opens the process's stdin as an fd (readable with `fdRead`, with real readiness). */
  openStdin(): number {
    return this.fds.open(new StdinReader((res) => this._readinessChanged(res)));
  }

  /** Reads from a socket or the stdin fd: n, 0 at EOF, -EAGAIN when nothing waits, or -errno. */
  fdRead(fd: number, into: Uint8Array): number {
    const res = this.fds.get(fd);
    if (res instanceof StdinReader) return res.recv(into);
    return this.sockRecv(fd, into);
  }

  /** Closes any fd of this host (a socket flushes its queued writes first). 0 or -EBADF. */
  fdClose(fd: number): number {
    const res = this.fds.get(fd);
    if (res === undefined || fd === this.wakeupFd) return -ERRNO_BADF;
    // A closed socket stays tracked until Node's 'close' (its writes may still be flushing), so
    // that close() can abort it.
    if (res instanceof TcpSocket) {
      if (res.socket.destroyed) this.sockets.delete(res);
    } else if (res instanceof TcpListener) this.listeners.delete(res);
    this.fds.close(fd);
    return 0;
  }

  /** The errno name of a failed socket or listener ("ECONNREFUSED"…), or null when it has none. */
  sockError(fd: number): string | null {
    const res = this.fds.get(fd);
    if (res instanceof TcpSocket || res instanceof TcpListener)
      return res.errno === ERRNO_SUCCESS ? null : (res.code ?? errnoName(res.errno));
    return res === undefined ? "EBADF" : null;
  }

  sockName(fd: number): SockAddr | null {
    const res = this.fds.get(fd);
    return res instanceof TcpSocket || res instanceof TcpListener ? res.sockName() : null;
  }

  peerName(fd: number): SockAddr | null {
    const res = this.fds.get(fd);
    return res instanceof TcpSocket ? res.peerName() : null;
  }

  /** Bytes waiting to be read from `fd` and bytes in its write buffer (-1s for a non-socket). */
  sockBuffered(fd: number): { recv: number; send: number } {
    const res = this.fds.get(fd);
    return res instanceof TcpSocket ? { recv: res.recvBuffered, send: res.sendBuffered() } : { recv: -1, send: -1 };
  }

  /** Totals over the host's sockets (a walk over all of them: for tests and monitoring). */
  socketStats(): SocketStats {
    const st: SocketStats = {
      sockets: 0,
      listeners: this.listeners.size,
      recvBuffered: 0,
      maxRecvBuffered: 0,
      sendBuffered: 0,
      maxSendBuffered: 0,
      paused: 0,
    };
    for (const s of this.sockets) {
      if (s.closed) continue; // its fd is closed; Node may still be flushing it
      st.sockets++;
      const r = s.recvBuffered,
        w = s.sendBuffered();
      st.recvBuffered += r;
      st.sendBuffered += w;
      if (r > st.maxRecvBuffered) st.maxRecvBuffered = r;
      if (w > st.maxSendBuffered) st.maxSendBuffered = w;
      if (s.paused) st.paused++;
    }
    return st;
  }

  // ------------------------------------------------------------------ IoHostApi (see the node/ files)

  /** Set by close(): no child, TLS, UDP or Unix resource is made after it (nothing would close it). */
  private ioClosed = false;

  private checkOpen(what: string): void {
    if (this.ioClosed) throw new Error(`${what}: this host is closed`);
  }

  spawn(file: string, args: readonly string[], opts: SpawnOptions): SpawnedChild {
    this.checkOpen("spawn");
    if (typeof file !== "string" || file === "") throw new TypeError(`spawn() needs a program, got ${describe(file)}`);
    if (!Array.isArray(args) || args.some((a) => typeof a !== "string"))
      throw new TypeError(`spawn() needs an array of string arguments, got ${describe(args)}`);
    checkObject(opts, "spawn() options");
    return spawnChild(this, file, args, opts);
  }

  childOf(fd: number): ChildHandle | null {
    return childExitOf(this, fd);
  }

  connectTls(host: string, port: number, options: TlsOptions, client: TlsClientOptions): number {
    this.checkOpen("connectTls");
    checkConnectHost(host);
    checkPort(port);
    checkObject(options, "TLS options");
    checkObject(client, "TLS client options");
    return connectTls(this, host, port, options, client);
  }

  listenTls(
    host: string | null,
    port: number,
    backlog: number,
    options: TlsOptions,
    handshakeTimeoutMs?: number,
  ): number {
    this.checkOpen("listenTls");
    checkListenHost(host);
    checkPort(port);
    checkBacklog(backlog);
    checkObject(options, "TLS options");
    if (handshakeTimeoutMs !== undefined && !(typeof handshakeTimeoutMs === "number" && handshakeTimeoutMs > 0))
      throw new TypeError(`the handshake timeout must be a positive number of ms, got ${describe(handshakeTimeoutMs)}`);
    return listenTls(this, host, port, backlog, options, handshakeTimeoutMs);
  }

  upgradeTls(fd: number, options: TlsOptions, serverSide: boolean, client: TlsClientOptions): number {
    this.checkOpen("upgradeTls");
    checkObject(options, "TLS options");
    checkObject(client, "TLS client options");
    return upgradeTls(this, fd, options, serverSide, client);
  }

  tlsOf(fd: number): TlsInfo | null {
    return tlsInfoOf(this, fd);
  }

  udpOpen(opts: UdpOpenOptions): number {
    this.checkOpen("udpOpen");
    checkObject(opts, "UDP options");
    for (const a of [opts.local, opts.remote]) {
      if (a === undefined || a === null) continue;
      if (!Array.isArray(a) || typeof a[0] !== "string")
        throw new TypeError(`a UDP address must be [host, port], got ${describe(a)}`);
      checkPort(a[1]);
    }
    return udpOpen(this, opts);
  }

  udpOf(fd: number): UdpHandle | null {
    return udpSocketOf(this, fd);
  }

  connectUnix(path: string): number {
    this.checkOpen("connectUnix");
    checkUnixPath(path);
    return connectUnix(this, path);
  }

  listenUnix(path: string, backlog: number, cleanup = true): number {
    this.checkOpen("listenUnix");
    checkUnixPath(path);
    checkBacklog(backlog);
    return listenUnix(this, path, backlog, cleanup);
  }

  unixPathProblem(path: string): { code: string; message: string } | null {
    return unixPathProblem(path);
  }

  describeUnixPath(path: string): string {
    return describeUnixPath(path);
  }

  /** Closes every socket at once (no flushing), then the rest of the fd table. */
  override close(): void {
    this.ioClosed = true;
    for (const s of this.sockets) s.abort();
    this.sockets.clear();
    this.listeners.clear();
    super.close();
  }
}

function flushNotify(host: SocketHost): void {
  host._flushNotify();
}

const deferToCheckPhase: (cb: (host: SocketHost) => void, host: SocketHost) => void =
  typeof (globalThis as any).setImmediate === "function"
    ? (globalThis as any).setImmediate
    : (cb, host) => {
        setTimeout(cb, 0, host);
      };

/** Checks an options argument: an object. */
function checkObject(o: unknown, what: string): void {
  if (typeof o !== "object" || o === null) throw new TypeError(`${what} must be an object, got ${describe(o)}`);
}

/** Checks a Unix socket path (RangeError for one that cannot name a socket). */
function checkUnixPath(path: unknown): void {
  if (typeof path !== "string") throw new TypeError(`a Unix socket path must be a string, got ${describe(path)}`);
  const problem = unixPathProblem(path);
  if (problem !== null) throw new RangeError(problem.message);
}
