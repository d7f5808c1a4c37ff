// Child processes as fds of a socket host: the child's stdin/stdout/stderr pipes are TcpSocket
// resources (Node gives them as net.Sockets over pipes, on Node and Deno), so their readiness goes
// through the fd table and the core's poll_oneoff like any socket; the child itself is an exit
// resource (a pidfd, in effect) that becomes readable once the child has exited or failed to
// start. Node reaps children itself (libuv's SIGCHLD handler), so exit is observed without
// polling and no zombie is left once the exit event has fired.
//
// Limits: stderr into stdout (asyncio's STDOUT) is done by running the program through
// `/bin/sh -c 'exec 2>&1; exec "$0" "$@"'` (POSIX only); a spawn the runtime refuses at once
// (Deno without --allow-run) throws from spawnChild.

import type * as ChildProcess from "node:child_process";
import type * as Net from "node:net";
import type * as Os from "node:os";
import type { Resource } from "../fd-table.js";
import { ERRNO_SUCCESS, describeHostError } from "../errno.js";
import { nodeBuiltin, requireBuiltin } from "./node-modules.js";
import { checkPermission } from "../deno-permissions.js";
import type { SocketHost } from "./socket-host.js";
import { TcpSocket } from "./tcp-socket.js";
import type { ChildHandle, SpawnedChild, SpawnOptions, StdioMode } from "../io-api.js";

export type { SpawnedChild, SpawnOptions, StdioMode };

/** The exit of a child as an fd: readable once the child exited (or could not be started). */
export class ChildExit implements Resource, ChildHandle {
  fd = -1;
  /** asyncio's returncode: the exit status, or -N when killed by signal N; null while running. */
  returncode: number | null = null;
  /** Why the child could not be started, with its errno name in `code`. */
  error: (Error & { code?: string }) | null = null;
  private reportErrno = ERRNO_SUCCESS;

  constructor(
    readonly child: ChildProcess.ChildProcess,
    private readonly owner: SocketHost,
  ) {
    child.on("exit", (code, signal) => {
      this.returncode = code ?? -signalNumber(signal);
      this.changed();
    });
    child.on("error", (err: Error & { code?: string }) => {
      // With a pid the child started: this is a failed kill(), and the child still runs.
      if (this.child.pid !== undefined || this.error !== null || this.returncode !== null) return;
      this.error = err;
      this.reportErrno = describeHostError(err).errno;
      this.changed();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private changed(): void {
    if (this.fd >= 0) this.owner._readinessChanged(this);
  }

  readReady(): boolean {
    return this.returncode !== null || this.error !== null;
  }

  writeReady(): boolean {
    return false;
  }

  readableBytes(): number {
    return 0;
  }

  hungUp(): boolean {
    return this.readReady();
  }

  takeError(): number {
    const e = this.reportErrno;
    this.reportErrno = ERRNO_SUCCESS;
    return e;
  }

  /** Sends `signal` (a name or number); false when the child is gone. */
  kill(signal: string | number): boolean {
    if (this.returncode !== null || this.error !== null) return false;
    return this.child.kill(signal as NodeJS.Signals);
  }

  /**
   * Closing the fd leaves the child running but stops it from keeping this process alive (the
   * host closes every fd when its loop closes).
   */
  close(): void {
    if (this.child.pid !== undefined) this.child.unref();
  }
}

/** The signal number of a signal name ("SIGKILL" → 9); 0 for none or an unknown one. */
export function signalNumber(name: string | null): number {
  if (name === null) return 0;
  const os = nodeBuiltin<typeof Os>("node:os");
  return (os?.constants.signals as Record<string, number> | undefined)?.[name] ?? 0;
}

/** Starts `file` with `args`; the child's pipes and its exit become fds of `host`. */
export function spawnChild(host: SocketHost, file: string, args: readonly string[], opts: SpawnOptions): SpawnedChild {
  const cp = requireBuiltin<typeof ChildProcess>("node:child_process", "child processes");
  checkPermission({ name: "run", command: opts.stderr === "stdout" || opts.shell ? "/bin/sh" : file }, "spawn");
  let argv: string[] = [...args];
  let program = file;
  let shell = opts.shell === true;
  if (opts.stderr === "stdout") {
    argv = shell ? ["-c", `exec 2>&1\n${file}`] : ["-c", 'exec 2>&1; exec "$0" "$@"', file, ...args];
    program = "/bin/sh";
    shell = false;
  }
  const mode = (m: StdioMode) => (m === "stdout" ? "pipe" : m);
  const child = cp.spawn(program, argv, {
    stdio: [mode(opts.stdin), mode(opts.stdout), opts.stderr === "stdout" ? "inherit" : mode(opts.stderr)],
    cwd: opts.cwd,
    env: opts.env,
    shell,
  });
  const exit = new ChildExit(child, host);
  const pipe = (s: unknown, stdio: boolean): number => {
    if (!stdio || s === null || s === undefined || child.pid === undefined) return -1;
    const sock = new TcpSocket(s as Net.Socket, false, host);
    sock.resettable = false;
    host._track(sock);
    return host.fds.open(sock);
  };
  return {
    exitFd: host.fds.open(exit),
    stdinFd: pipe(writePipe(child.stdin), opts.stdin === "pipe"),
    stdoutFd: pipe(child.stdout, opts.stdout === "pipe"),
    stderrFd: pipe(child.stderr, opts.stderr === "pipe"),
  };
}

/**
 * The child's stdin, whose failures read as EPIPE: Deno may report a write to a pipe whose
 * reader is gone as EBADF (on the read side it never uses), which names nothing the user did.
 */
function writePipe<S extends { on(ev: "error", cb: (e: Error & { code?: string }) => void): unknown } | null>(s: S): S {
  s?.on("error", (e) => {
    if (e.code === "EBADF") e.code = "EPIPE";
  });
  return s;
}

/** The ChildExit behind `fd`, or null. */
export function childExitOf(host: SocketHost, fd: number): ChildExit | null {
  const res = host.fds.get(fd);
  return res instanceof ChildExit ? res : null;
}
