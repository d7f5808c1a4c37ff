// The public EventLoop: the base loop (src/loop/event-loop.ts) completed with what needs the I/O
// layer — a thread pool, DNS, process signals, transports, subprocesses, datagrams, TLS upgrades
// and the sock_* calls — as asyncio's unix loop completes its base loop. Each method is a thin
// front; the work is done in the src/io folder its import names.
//
// The base loop's module declares an `EventLoop` interface that the layers below name; the
// declaration at the end of this file adds this class's members to it, so that type is this
// class's type and no lower layer imports this file.

import { BaseEventLoop } from "../loop/event-loop.js";
import { runInExecutor, shutdownDefaultExecutor } from "./executor/run-in-executor.js";
import type { ThreadPoolExecutor } from "./executor/thread-pool-executor.js";
import type { JobFunction } from "./executor/job-spec.js";
import { loopGetaddrinfo, type AddrInfo, type GetaddrinfoOptions } from "./dns/getaddrinfo.js";
import { addSignalHandler, removeSignalHandler } from "./signals/signal-handlers.js";
import type { Future } from "../tasks/future.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { loopGetnameinfo } from "./dns/getnameinfo.js";
// Transports, protocols, subprocesses, datagrams, TLS upgrades, sock_*: thin fronts as well.
import {
  createConnection,
  createServer,
  type CreateConnectionOptions,
  type CreateServerOptions,
} from "./transports/create-connection.js";
import type { StreamProtocolLike } from "./transports/protocols.js";
import type { Transport } from "./transports/transport.js";
import type { Server } from "./streams/server.js";
import { sendfile, sockSendfile, type SendfileOptions } from "./sendfile/sendfile.js";
import type { SendfileSource } from "./sendfile/file-chunks.js";
import { createUnixConnection, createUnixServer } from "./transports/create-unix.js";
import { createDatagramEndpoint, type DatagramEndpointOptions } from "./transports/create-datagram-endpoint.js";
import type { DatagramProtocolLike, DatagramTransport } from "./transports/datagram-transport.js";
import { loopStartTls, type StartTlsOptions } from "./tls/start-tls.js";
import {
  sockAccept,
  sockClose,
  sockConnect,
  sockListen,
  sockRecv,
  sockRecvInto,
  sockSendall,
} from "./sock/sock-ops.js";
import type { SockAddr } from "../hosts/socket-api.js";
import {
  subprocessSpawn,
  type SubprocessProtocol,
  type SubprocessTransport,
} from "./subprocess/subprocess-transport.js";
import type { SubprocessOptions } from "./subprocess/create-subprocess.js";
import type { TlsOptions } from "../hosts/tls-api.js";

export type { EventLoopOptions, ExceptionHandler, ExceptionContext } from "../loop/event-loop.js";

/** The event loop: timers, fd callbacks, the ready queue and drivers, executors, DNS, signals, transports, subprocesses. */
export class EventLoop extends BaseEventLoop {
  /**
   * Runs `exportName(...args)` of module `moduleUrl` on a worker thread of `executor` (null: this
   * loop's default pool) and returns a Future of its result (asyncio's run_in_executor, with a
   * module export instead of a function: functions cannot cross threads). Arguments and result
   * cross by structured clone; cancelling the Future drops the result of a job already running.
   */
  runInExecutor<F extends JobFunction = JobFunction>(
    executor: ThreadPoolExecutor | null,
    moduleUrl: string | URL,
    exportName: string,
    ...args: Parameters<F>
  ): Future<Awaited<ReturnType<F>>> {
    return runInExecutor<F>(this, executor, moduleUrl, exportName, args);
  }

  /** Shuts the default executor down; the Future is done when its workers have exited. */
  shutdownDefaultExecutor(): Future<void> {
    return shutdownDefaultExecutor(this);
  }

  /** Resolves `host` and `port` off the loop's thread (asyncio's getaddrinfo); see src/io/dns. */
  getaddrinfo(host: string | null, port?: number | string | null, options?: GetaddrinfoOptions): Future<AddrInfo[]> {
    return loopGetaddrinfo(this, host, port, options);
  }

  /** Runs `cb(...args)` as a loop callback each time the process gets `sig` ("SIGINT", …); replaces a previous handler. */
  addSignalHandler(sig: string, cb: (...args: any[]) => unknown, ...args: unknown[]): void {
    addSignalHandler(this, sig, cb, args);
  }

  /** Removes the handler for `sig`, restoring the default behaviour; false if there was none. */
  removeSignalHandler(sig: string): boolean {
    return removeSignalHandler(this, sig);
  }

  /** The host name and service of `[address, port]`, off the loop's thread (asyncio's getnameinfo; NI_* flags). */
  getnameinfo(sockaddr: [string, number], flags = 0): Future<[string, string]> {
    return loopGetnameinfo(this, sockaddr, flags);
  }

  // ---------------------------------------------------------------- transports and protocols

  /** Connects to `host`:`port` and runs `protocolFactory()`'s protocol on it: [transport, protocol] once connectionMade ran. */
  createConnection<P extends StreamProtocolLike>(
    protocolFactory: () => P,
    host: string,
    port: number,
    options?: CreateConnectionOptions,
  ): Coroutine<[Transport, P]> {
    return createConnection(this, protocolFactory, host, port, options);
  }

  /** Listens on `host`:`port` (null: every interface; port 0: a free one); each connection gets a protocol from the factory. */
  createServer(
    protocolFactory: () => StreamProtocolLike,
    host: string | null | undefined,
    port: number,
    options?: CreateServerOptions,
  ): Coroutine<Server> {
    return createServer(this, protocolFactory, host, port, options);
  }

  /** Connects to the Unix socket at `path` and runs `protocolFactory()`'s protocol on it. */
  createUnixConnection<P extends StreamProtocolLike>(
    protocolFactory: () => P,
    path: string,
  ): Coroutine<[Transport, P]> {
    return createUnixConnection(this, protocolFactory, path);
  }

  /** Listens on a Unix socket at `path`; each connection gets a protocol from the factory. */
  createUnixServer(
    protocolFactory: () => StreamProtocolLike,
    path: string,
    options?: { backlog?: number; cleanupSocket?: boolean },
  ): Coroutine<Server> {
    return createUnixServer(this, protocolFactory, path, options);
  }

  /** A UDP endpoint bound to `localAddr` and/or connected to `remoteAddr`: [transport, protocol] once connectionMade ran. */
  createDatagramEndpoint<P extends DatagramProtocolLike>(
    protocolFactory: () => P,
    options?: DatagramEndpointOptions,
  ): Coroutine<[DatagramTransport, P]> {
    return createDatagramEndpoint(this, protocolFactory, options);
  }

  /**
   * Upgrades `transport` to TLS in place (STARTTLS) once its buffered bytes are sent; returns the
   * new Transport, through which `protocol` now gets its callbacks.
   */
  startTls(
    transport: Transport,
    protocol: StreamProtocolLike,
    ssl: true | TlsOptions,
    options?: StartTlsOptions,
  ): Coroutine<Transport> {
    return loopStartTls(this, transport, protocol, ssl, options);
  }

  /** Starts `program` with `args`; its pipes and exit drive `protocolFactory()`'s SubprocessProtocol (stdio default: PIPE). */
  subprocessExec<P extends SubprocessProtocol>(
    protocolFactory: () => P,
    program: string,
    args: readonly string[] = [],
    options?: SubprocessOptions,
  ): Coroutine<[SubprocessTransport, P]> {
    return subprocessSpawn(this, protocolFactory, program, args, false, options);
  }

  /** Runs `cmd` through /bin/sh; as subprocessExec. */
  subprocessShell<P extends SubprocessProtocol>(
    protocolFactory: () => P,
    cmd: string,
    options?: SubprocessOptions,
  ): Coroutine<[SubprocessTransport, P]> {
    return subprocessSpawn(this, protocolFactory, cmd, [], true, options);
  }

  // Low-level socket calls over host fds (asyncio's sock_*; see src/io/sock).

  /** Connects to `[host, port]`; the connected socket fd. */
  sockConnect(address: [string, number]): Coroutine<number> {
    return sockConnect(this, address);
  }

  /** Listens on `[host, port]`; the listening fd (a wasio addition: the host makes sockets). */
  sockListen(address: [string | null, number], backlog?: number): Coroutine<number> {
    return sockListen(this, address, backlog);
  }

  /** Waits for a connection on listening `fd`: [connected fd, peer address]. */
  sockAccept(fd: number): Coroutine<[number, SockAddr | null]> {
    return sockAccept(this, fd);
  }

  /** Receives up to `nbytes` from `fd` (empty at EOF). */
  sockRecv(fd: number, nbytes: number): Coroutine<Uint8Array> {
    return sockRecv(this, fd, nbytes);
  }

  /** Receives into `buf`: the count (0 at EOF). */
  sockRecvInto(fd: number, buf: Uint8Array): Coroutine<number> {
    return sockRecvInto(this, fd, buf);
  }

  /** Sends all of `data` to `fd`. */
  sockSendall(fd: number, data: Uint8Array | string): Coroutine<void> {
    return sockSendall(this, fd, data);
  }

  /** Closes socket `fd`. */
  sockClose(fd: number): void {
    sockClose(this, fd);
  }

  /** Sends `file` (an fd or FileHandle) over `transport` from `offset`, `count` bytes or to its end; the count sent. */
  sendfile(
    transport: Transport,
    file: SendfileSource,
    offset?: number,
    count?: number | null,
    options?: SendfileOptions,
  ): Coroutine<number> {
    return sendfile(this, transport, file, offset, count, options);
  }

  /** `sendfile` on socket `fd`, with sockSendall. */
  sockSendfile(
    fd: number,
    file: SendfileSource,
    offset?: number,
    count?: number | null,
    options?: SendfileOptions,
  ): Coroutine<number> {
    return sockSendfile(this, fd, file, offset, count, options);
  }
}

type PublicEventLoop = EventLoop;

declare module "../loop/event-loop.js" {
  /** The members the I/O layer adds: the type every layer names is the full public loop. */
  interface EventLoop extends PublicEventLoop {}
}
