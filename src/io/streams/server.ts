// Server and startServer: asyncio.start_server and asyncio.Server (3.13) over one listening fd.
//
// While serving, the listener's reader callback accepts every waiting connection (up to the
// backlog per pass), wraps each in a transport, a StreamReader and a StreamWriter, and calls
// `clientConnected(reader, writer)`; when that returns a coroutine (a generator function was
// given) it runs as a Task, and if the task fails the error is reported through the loop's
// exception handler and the connection is closed (as it is when the task is cancelled).
// `close()` stops listening but leaves the connections open; `waitClosed()` waits until the
// server is closed and every connection it made has been lost (`closeClients()` /
// `abortClients()` end them).

import { ERRNO_AGAIN, errnoName } from "../../hosts/errno.js";
import {
  DEFAULT_BACKLOG,
  checkBacklog,
  checkListenHost,
  checkPort,
  type SocketHostApi,
  type SockAddr,
} from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import { getRunningLoop } from "../../loop/running.js";
import { checkCallback, checkLoopArg } from "../../checks.js";
import { isCoroutine, type Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import type { Task } from "../../tasks/task.js";
import { checkNetPermission } from "../permission-error.js";
import { formatHostPort, socketError } from "./socket-errors.js";
import { isSimulated, socketHostOf } from "./socket-host-of.js";
import { settledFd } from "../transports/connect-fd.js";
import { streamPair } from "./stream-pair.js";
import { checkLimit, type StreamReader } from "./stream-reader.js";
import type { StreamWriter } from "./stream-writer.js";
import type { TlsOptions } from "../../hosts/tls-api.js";
import { tlsArgs, type TlsArgs } from "../tls/tls-args.js";
import { boundTlsFd, tlsExtra } from "../tls/tls-fds.js";

/** Called for each new connection; a generator function runs as a Task. */
export type ClientConnected = (reader: StreamReader, writer: StreamWriter) => Coroutine<void> | void;

/** A connection a Server made: closed or aborted with the server's clients, tells it when lost. */
export interface ServerConnection {
  close(): void;
  abort(): void;
  _onLost: { _detach(t: ServerConnection): void } | null;
}

/** Wraps an accepted fd (streams, a protocol, TLS…); returns what the server tracks. */
export type AcceptedFd = (server: Server, loop: EventLoop, host: SocketHostApi, fd: number) => ServerConnection;

export interface StartServerOptions {
  /** TLS: node:tls options with the server's key and certificate. */
  ssl?: TlsOptions | null;
  /** How long a client's TLS handshake may take, ms (default 60,000); a slower client is dropped. */
  sslHandshakeTimeout?: number | null;
  /** Each reader's buffer limit in bytes (default 64 KiB). */
  limit?: number;
  /** The listen backlog (default 511); also the most connections accepted per loop pass. */
  backlog?: number;
}

const ACCEPT_RETRY_DELAY_MS = 1000;
/** accept() errors that mean "out of fds or memory" (asyncio's "out of system resource"). */
const OUT_OF_RESOURCES = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

export class Server {
  private readonly loop: EventLoop;
  private readonly host: SocketHostApi;
  private fd: number; // -1 once closed
  private readonly accepted: AcceptedFd;
  private readonly backlog: number;
  private serving = false;
  private readonly clients = new Set<ServerConnection>();
  private waiters: Future<void>[] | null = [];
  private servingForever: Future<void> | null = null;

  /** @internal Use startServer(). */
  constructor(loop: EventLoop, host: SocketHostApi, fd: number, accepted: AcceptedFd, backlog: number) {
    checkLoopArg(loop);
    if (typeof host !== "object" || host === null || typeof host.sockAccept !== "function")
      throw new TypeError("a Server needs a socket host (use startServer())");
    if (!Number.isInteger(fd) || fd < 0) throw new TypeError("a Server needs a listening fd (use startServer())");
    checkCallback(accepted, "accepted");
    this.loop = loop;
    this.host = host;
    this.fd = fd;
    this.accepted = accepted;
    this.backlog = backlog;
  }

  getLoop(): EventLoop {
    return this.loop;
  }

  /** The address of the listening socket, { address, port, family }; null once closed. */
  address(): SockAddr | null {
    return this.fd < 0 ? null : this.host.sockName(this.fd);
  }

  /** The listening fds (empty once closed). */
  get sockets(): number[] {
    return this.fd < 0 ? [] : [this.fd];
  }

  isServing(): boolean {
    return this.serving;
  }

  /** Starts accepting connections (startServer already did). */
  *startServing(): Coroutine<void> {
    this.startAccepting();
  }

  /** Stops listening; open connections stay open. */
  close(): void {
    const fd = this.fd;
    if (fd < 0) return;
    this.fd = -1;
    if (this.serving) this.loop.removeReader(fd);
    this.serving = false;
    this.host.fdClose(fd);
    const fut = this.servingForever;
    if (fut !== null && !fut.done()) fut.cancel();
    this.servingForever = null;
    if (this.clients.size === 0) this.wakeup();
  }

  /** Closes every connection this server made (each after its buffered bytes are sent). */
  closeClients(): void {
    for (const t of [...this.clients]) t.close();
  }

  /** Aborts every connection this server made (buffered bytes are dropped). */
  abortClients(): void {
    for (const t of [...this.clients]) t.abort();
  }

  /** Waits until the server is closed and all of its connections are lost. */
  *waitClosed(): Coroutine<void> {
    if (this.waiters === null) return;
    const w = new Future<void>(this.loop);
    this.waiters.push(w);
    yield* w;
  }

  /** Serves until cancelled (or until close()); the server is closed on the way out. */
  *serveForever(): Coroutine<void> {
    if (this.servingForever !== null) throw new Error(`server ${this} is already being awaited on serveForever()`);
    if (this.fd < 0) throw new Error(`server ${this} is closed`);
    this.startAccepting();
    const fut = new Future<void>(this.loop);
    this.servingForever = fut;
    try {
      yield* fut;
    } catch (e) {
      try {
        this.close();
        yield* this.waitClosed();
      } catch {
        // the first error wins (asyncio: `finally: raise`)
      }
      throw e;
    } finally {
      if (this.servingForever === fut) this.servingForever = null;
    }
  }

  /** `yield* asyncWith(server, function* (s) { … })`: closes and waits on the way out. */
  *aenter(): Coroutine<Server> {
    return this;
  }

  *aexit(_error: unknown): Coroutine<boolean> {
    this.close();
    yield* this.waitClosed();
    return false;
  }

  toString(): string {
    const a = this.address();
    return `<Server ${a ? `${a.address}:${a.port}` : "closed"}${this.serving ? " serving" : ""} clients=${this.clients.size}>`;
  }

  // ------------------------------------------------------------------ internals

  private startAccepting(): void {
    if (this.serving || this.fd < 0) return;
    this.serving = true;
    this.loop.addReader(this.fd, serverAcceptable, this);
  }

  /** @internal The listener's reader callback: connections are waiting. */
  _acceptConnections(): void {
    for (let i = 0; i < this.backlog && this.fd >= 0; i++) {
      const cfd = this.host.sockAccept(this.fd);
      if (cfd === -ERRNO_AGAIN) return;
      if (cfd < 0) {
        const code = this.host.sockError(this.fd) ?? errnoName(-cfd);
        const why = OUT_OF_RESOURCES.has(code) ? "accept() out of system resource" : "accept() failed";
        this.loop.callExceptionHandler({
          message: `${why} (${code}); pausing accepting for 1 s`,
          exception: socketError(code, "accept"),
          server: this,
        });
        this.loop.removeReader(this.fd);
        this.serving = false;
        this.loop.callLater(ACCEPT_RETRY_DELAY_MS, () => this.startAccepting());
        return;
      }
      this.attach(cfd);
    }
  }

  private attach(cfd: number): void {
    let conn: ServerConnection;
    try {
      conn = this.accepted(this, this.loop, this.host, cfd);
    } catch (exception) {
      this.loop.callExceptionHandler({ message: "accepting a connection failed", exception, server: this });
      this.host.fdClose(cfd);
      return;
    }
    this.clients.add(conn);
    conn._onLost = this;
  }

  /** @internal `next` now carries the connection `old` carried (TLS was started on it). */
  _handOver(old: ServerConnection, next: ServerConnection): void {
    if (!this.clients.has(old)) return;
    this.clients.add(next);
    next._onLost = this;
    old._onLost = null;
    this.clients.delete(old);
  }

  /** @internal A connection of this server was lost. */
  _detach(t: ServerConnection): void {
    this.clients.delete(t);
    if (this.clients.size === 0 && this.fd < 0) this.wakeup();
  }

  private wakeup(): void {
    const ws = this.waiters;
    this.waiters = null;
    if (ws !== null) for (const w of ws) if (!w.done()) w.setResult(undefined);
  }
}

function serverAcceptable(server: Server): void {
  server._acceptConnections();
}

/**
 * Listens on `host`:`port` (null host: every interface; port 0: a free port) and calls
 * `clientConnected(reader, writer)` for each connection. Returns the serving Server once the
 * socket is bound; a failed bind throws an Error whose `code` is the errno name ("EADDRINUSE", …).
 */
export function startServer(
  clientConnected: ClientConnected,
  host: string | null | undefined,
  port: number,
  options: StartServerOptions = {},
): Coroutine<Server> {
  checkCallback(clientConnected, "clientConnected");
  const where = host ?? null;
  checkListenHost(where);
  checkPort(port);
  const limit = checkLimit(options?.limit);
  const backlog = options?.backlog ?? DEFAULT_BACKLOG;
  checkBacklog(backlog);
  const tls = tlsArgs(options, true);
  if (tls !== null) return listenAndServeTls(clientConnected, where, port, limit, backlog, tls);
  return listenAndServe(clientConnected, where, port, limit, backlog);
}

function* listenAndServeTls(
  clientConnected: ClientConnected,
  where: string | null,
  port: number,
  limit: number,
  backlog: number,
  tls: TlsArgs,
): Coroutine<Server> {
  const loop = getRunningLoop();
  const [host, fd] = yield* boundTlsFd(loop, where, port, backlog, tls);
  return yield* serveOn(loop, host, fd, streamsAccepted(clientConnected, limit, tlsExtra), backlog);
}

function* listenAndServe(
  clientConnected: ClientConnected,
  where: string | null,
  port: number,
  limit: number,
  backlog: number,
): Coroutine<Server> {
  const loop = getRunningLoop();
  const sockets = socketHostOf(loop);
  if (!isSimulated(sockets)) checkNetPermission("listen", formatHostPort(where ?? "0.0.0.0", port));
  const fd = yield* settledFd(loop, sockets, sockets.listen(where, port, backlog), "listen", where ?? "*", port);
  return yield* serveOn(loop, sockets, fd, streamsAccepted(clientConnected, limit), backlog);
}

/** Wraps a bound listener `fd` in a serving Server (the fd is closed if that fails). */
export function* serveOn(
  loop: EventLoop,
  host: SocketHostApi,
  fd: number,
  accepted: AcceptedFd,
  backlog: number,
): Coroutine<Server> {
  const server = new Server(loop, host, fd, accepted, Math.max(1, backlog));
  yield* server.startServing();
  return server;
}

/** Each accepted fd becomes a StreamReader/StreamWriter pair handed to `clientConnected`. */
export function streamsAccepted(
  clientConnected: ClientConnected,
  limit: number,
  extra?: (host: any, fd: number) => Record<string, unknown>,
): AcceptedFd {
  return (server, loop, host, cfd) => {
    const [reader, writer] = streamPair(loop, host, cfd, limit, extra?.(host, cfd));
    const transport = writer.transport;
    let res: Coroutine<void> | void;
    try {
      res = clientConnected(reader, writer);
    } catch (exception) {
      reportClientError(loop, server, exception, transport);
      return transport;
    }
    if (isCoroutine(res)) {
      const task = loop.createTask(res);
      task.addDoneCallback((t: Task<void>) => {
        if (t.cancelled()) {
          transport.close();
          return;
        } // as asyncio 3.12+
        const exc = t.exception();
        if (exc !== null) reportClientError(loop, server, exc, transport);
      });
    }
    return transport;
  };
}

function reportClientError(loop: EventLoop, server: Server, exception: unknown, transport: ServerConnection): void {
  loop.callExceptionHandler({ message: "Unhandled exception in clientConnected", exception, transport, server });
  transport.close();
}
