// A listening TCP socket as an fd resource. Node accepts connections on its own; each one waits
// here, already wrapped as a TcpSocket (so its incoming bytes are buffered and bounded), until
// `accept` gives it an fd.
//
// Readiness: readable while a connection waits (or an error is pending); writable once the bind
// has finished, successfully or not — Node binds asynchronously, so `listen` returns an fd at
// once and a caller that needs the address waits for writability as after a non-blocking connect.
//
// Out of fds: the listener keeps Node's `maxConnections` under the process's fd budget
// (fd-budget.ts), so past it Node drops connections itself ('drop') instead of libuv closing them
// unseen; each drop becomes a one-shot EMFILE from `accept`, which the server reports.

import type * as Net from "node:net";
import type { Resource } from "../fd-table.js";
import { ERRNO_AGAIN, ERRNO_BADF, ERRNO_MFILE, ERRNO_SUCCESS, describeHostError } from "../errno.js";
import { type SockAddr, unixSockAddr } from "../socket-api.js";
import { FD_RESERVE, fdHeadroom } from "./fd-budget.js";
import { TcpSocket, type ReadinessOwner } from "./tcp-socket.js";

export class TcpListener implements Resource {
  fd = -1;
  /** Accepted by Node, waiting for `accept`. */
  private readonly waiting: TcpSocket[] = [];
  private waitingHead = 0;
  /** True once the bind finished (listening, or failed with `errno`). */
  bound = false;
  /** The sticky WASI errno of a failed bind (0 if none) and its name. */
  errno = ERRNO_SUCCESS;
  code: string | null = null;
  /** A one-shot error of a later accept, returned by the next `accept`. */
  private acceptErrno = ERRNO_SUCCESS;
  private reportErrno = ERRNO_SUCCESS;
  private local: SockAddr | null = null;
  closed = false;
  /** True for a Unix socket listener: its connections cannot be reset (see TcpSocket.resettable). */
  pipe = false;
  /** Connections Node dropped for want of fds. */
  dropped = 0;

  /** `connectionEvent`: "connection" for TCP, "secureConnection" for a TLS server (handshake done). */
  constructor(
    readonly server: Net.Server,
    private readonly owner: ReadinessOwner & { _track(s: TcpSocket): void },
    connectionEvent = "connection",
  ) {
    server.on(connectionEvent, (socket: Net.Socket) => this.onConnection(socket));
    server.on("listening", () => this.onListening());
    server.on("error", (err: Error) => this.onError(err));
    server.on("drop", () => this.onDrop());
  }

  /** Keeps Node's accepting under the fd budget (when it can be known) with a reserve to spare. */
  private budget(): void {
    const room = fdHeadroom();
    if (room === null) return;
    const s = this.server as Net.Server & { _connections?: number };
    s.maxConnections = Math.max(1, (s._connections ?? 0) + room - FD_RESERVE);
  }

  /** Node dropped a connection at `maxConnections`: out of fds; the next accept says so. */
  private onDrop(): void {
    this.dropped++;
    this.budget(); // fds may have been freed meanwhile
    this.outOfFds();
  }

  /** The next `accept` (after the waiting connections) fails with EMFILE. */
  private outOfFds(): void {
    if (this.closed) return;
    this.acceptErrno = ERRNO_MFILE;
    this.reportErrno = ERRNO_MFILE;
    this.owner._readinessChanged(this);
  }

  private onConnection(socket: Net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const s = this.server as Net.Server & { _connections?: number };
    if (s.maxConnections !== undefined && s.maxConnections - (s._connections ?? 0) <= FD_RESERVE) {
      this.budget();
      // At the budget, the next connections are dropped; Deno's Node layer drops them without a
      // 'drop' event, so say it now (Node's 'drop' then repeats it per connection).
      if ((s._connections ?? 0) >= s.maxConnections) this.outOfFds();
    }
    const wasEmpty = this.waiting.length === this.waitingHead;
    const sock = new TcpSocket(socket, false, this.owner);
    sock.readShared();
    sock.resettable = !this.pipe;
    if (this.pipe) sock.nameUnix(this.local?.address ?? "", ""); // the connecting end is unnamed
    this.waiting.push(sock);
    this.owner._track(sock);
    if (wasEmpty) this.owner._readinessChanged(this);
  }

  private onListening(): void {
    this.bound = true;
    this.budget();
    const a = this.server.address();
    if (a !== null && typeof a === "object") this.local = { address: a.address, port: a.port, family: a.family };
    else if (typeof a === "string") this.local = unixSockAddr(a);
    if (!this.closed) this.owner._readinessChanged(this);
  }

  private onError(err: unknown): void {
    const { errno, code } = describeHostError(err);
    if (!this.bound) {
      this.bound = true;
      this.errno = errno;
      this.code = code;
    } else {
      this.acceptErrno = errno;
    }
    this.reportErrno = errno;
    if (!this.closed) this.owner._readinessChanged(this);
  }

  readReady(): boolean {
    return this.waiting.length > this.waitingHead || this.errno !== ERRNO_SUCCESS || this.acceptErrno !== ERRNO_SUCCESS;
  }

  writeReady(): boolean {
    return this.bound;
  }

  readableBytes(): number {
    return 0;
  }

  hungUp(): boolean {
    return false;
  }

  takeError(): number {
    const e = this.reportErrno;
    this.reportErrno = ERRNO_SUCCESS;
    return e;
  }

  /** The next waiting connection, or -EAGAIN, or -errno. */
  accept(): TcpSocket | number {
    if (this.closed) return -ERRNO_BADF;
    if (this.errno !== ERRNO_SUCCESS) return -this.errno;
    if (this.waiting.length > this.waitingHead) {
      const sock = this.waiting[this.waitingHead];
      this.waiting[this.waitingHead++] = undefined as unknown as TcpSocket;
      if (this.waitingHead === this.waiting.length) {
        this.waiting.length = 0;
        this.waitingHead = 0;
      }
      return sock;
    }
    if (this.acceptErrno !== ERRNO_SUCCESS) {
      const e = this.acceptErrno;
      this.acceptErrno = ERRNO_SUCCESS;
      return -e;
    }
    return -ERRNO_AGAIN;
  }

  /** Connections accepted by Node and not yet by the caller. */
  backlog(): number {
    return this.waiting.length - this.waitingHead;
  }

  sockName(): SockAddr | null {
    return this.local;
  }

  /** Stops listening; connections not yet accepted are closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let i = this.waitingHead; i < this.waiting.length; i++) this.waiting[i].abort();
    this.waiting.length = 0;
    this.waitingHead = 0;
    if (this.server.listening) this.server.close();
    else this.server.once("listening", () => this.server.close());
  }
}
