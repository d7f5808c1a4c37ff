// The I/O a host offers beyond TCP (socket-api.ts), host-neutral: child processes, TLS, UDP and
// Unix domain sockets, all as fds of the host's table with readiness through poll_oneoff. The
// node host implements it (node/socket-host.ts, with node/child-process.ts, tls-socket.ts,
// udp-socket.ts and unix-socket.ts); src/io uses only these names.

import type { SockAddr, SocketHostApi } from "./socket-api.js";
import type { TlsOptions } from "./tls-api.js";

/** What one of the child's standard fds is connected to. */
export type StdioMode = "pipe" | "ignore" | "inherit" | "stdout";

export interface SpawnOptions {
  stdin: StdioMode;
  stdout: StdioMode;
  stderr: StdioMode;
  cwd?: string;
  env?: Record<string, string>;
  /** Run `file` as a shell command line (`/bin/sh -c`). */
  shell?: boolean;
}

/** The fds of a spawned child (-1 where there is no pipe). */
export interface SpawnedChild {
  exitFd: number;
  stdinFd: number;
  stdoutFd: number;
  stderrFd: number;
}

/** A spawned child as its exit fd sees it. */
export interface ChildHandle {
  /** The process id; undefined when the child could not be started. */
  readonly pid: number | undefined;
  /** asyncio's returncode: the exit status, or -N when killed by signal N; null while running. */
  returncode: number | null;
  /** Why the child could not be started, with its errno name in `code`. */
  error: (Error & { code?: string }) | null;
  /** Sends `signal` (a name or number); false when the child is gone. */
  kill(signal: string | number): boolean;
}

export interface TlsClientOptions {
  /** The name to verify the server's certificate against and to send as SNI ("" skips the check). */
  serverHostname?: string;
}

/** What a TLS transport answers in getExtraInfo ("peercert", "cipher", "sslObject"). */
export interface TlsInfo {
  peercert(): unknown;
  /** [name, protocol version, secret bits]. */
  cipher(): [string, string, number | null] | null;
  sslObject: unknown;
}

/** A received datagram, or a queued error (data null). */
export interface UdpItem {
  data: Uint8Array | null;
  address: string;
  port: number;
  error: (Error & { code?: string }) | null;
}

export interface UdpOpenOptions {
  local?: [string, number] | null;
  remote?: [string, number] | null;
  reuseAddress?: boolean;
  allowBroadcast?: boolean;
  /** "udp4" or "udp6" (default: from the addresses, else udp4). */
  type?: "udp4" | "udp6";
}

/** A UDP socket fd's data path. */
export interface UdpHandle {
  /** The errno name of a failed bind or connect, or null. */
  code: string | null;
  /** The next datagram or queued error, or -EAGAIN, or -errno. */
  recv(): UdpItem | number;
  /** Queues `data` (to `address`:`port` when unconnected): its length, or -errno. */
  send(data: Uint8Array, port?: number, address?: string): number;
  /** Bytes queued and not yet sent. */
  sendQueueSize(): number;
  sockName(): SockAddr | null;
  peerName(): SockAddr | null;
}

/** A host with child processes, TLS, UDP and Unix sockets. */
export interface IoHostApi extends SocketHostApi {
  /** Starts `file` with `args`; the child's pipes and its exit become fds. Throws if refused at once. */
  spawn(file: string, args: readonly string[], opts: SpawnOptions): SpawnedChild;
  /** The child behind an exit fd, or null. */
  childOf(fd: number): ChildHandle | null;
  /** A TLS connection: the fd is writable once the handshake is done (or failed: sockError). */
  connectTls(host: string, port: number, options: TlsOptions, client: TlsClientOptions): number;
  /** A TLS listener: connections are handed out once their handshake is done. */
  listenTls(
    host: string | null,
    port: number,
    backlog: number,
    options: TlsOptions,
    handshakeTimeoutMs?: number,
  ): number;
  /** Starts TLS on connected `fd`: a new fd, writable once the handshake is done; `fd` is given up. */
  upgradeTls(fd: number, options: TlsOptions, serverSide: boolean, client: TlsClientOptions): number;
  /** The TLS details of `fd`, or null for a plain socket. */
  tlsOf(fd: number): TlsInfo | null;
  /** A UDP socket: the fd is writable once bound (and connected). */
  udpOpen(opts: UdpOpenOptions): number;
  /** The UDP socket behind `fd`, or null. */
  udpOf(fd: number): UdpHandle | null;
  /** Connects to the Unix socket at `path`: writable once connected. */
  connectUnix(path: string): number;
  /**
   * Listens at `path` (a socket file there is replaced): writable once bound. With `cleanup`
   * (default true) closing removes the socket file if it is still the one bound.
   */
  listenUnix(path: string, backlog: number, cleanup?: boolean): number;
  /** Why `path` cannot name a Unix socket ({ code, message }), or null. */
  unixPathProblem(path: string): { code: string; message: string } | null;
  /** A note on what is at `path` when a bind there failed with EADDRINUSE, or "". */
  describeUnixPath(path: string): string;
}

/** True when `host` has the IoHostApi methods. */
export function isIoHost(host: unknown): host is IoHostApi {
  const h = host as Partial<IoHostApi> | null;
  return (
    typeof h === "object" &&
    h !== null &&
    typeof h.spawn === "function" &&
    typeof h.udpOpen === "function" &&
    typeof h.connectTls === "function" &&
    typeof h.connectUnix === "function" &&
    typeof h.sockRecv === "function"
  );
}
