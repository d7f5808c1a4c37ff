// loop.subprocessExec / loop.subprocessShell: asyncio's protocol-level subprocesses. The child's
// pipes are host fds, each driven by a Transport (stdin's is what getPipeTransport(0) returns, to
// write to); the SubprocessProtocol hears pipeDataReceived(fd, data) and pipeConnectionLost(fd, exc)
// for stdin (0), stdout (1) and stderr (2), processExited() once the exit fd is readable, and
// connectionLost(null) once the child has exited and every pipe is closed (asyncio's order).

import { isIoHost, type ChildHandle, type IoHostApi, type StdioMode } from "../../hosts/io-api.js";
import { ioHostOf } from "../io-host-of.js";
import type { EventLoop } from "../../loop/event-loop.js";
import { checkCallback } from "../../checks.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { BaseTransport } from "../transports/base-transport.js";
import { checkMadeBy } from "../transports/check-internal.js";
import { BaseProtocol } from "../transports/protocols.js";
import { Transport } from "../transports/transport.js";
import { PIPE, stdioMode, type SubprocessOptions } from "./create-subprocess.js";

/** asyncio.SubprocessProtocol: callbacks for a child's pipes and exit. */
export class SubprocessProtocol extends BaseProtocol {
  override connectionMade(_transport: SubprocessTransport): void {}
  /** The child wrote `data` to its stdout (fd 1) or stderr (fd 2). */
  pipeDataReceived(_fd: number, _data: Uint8Array): void {}
  /** One of the child's pipes (fd 0, 1 or 2) closed (`exc` null at a normal EOF or close). */
  pipeConnectionLost(_fd: number, _exc: unknown): void {}
  /** The child exited (its returncode is on the transport). */
  processExited(): void {}
}

export class SubprocessTransport extends BaseTransport {
  private readonly loop: EventLoop;
  private readonly host: IoHostApi;
  private readonly exit: ChildHandle;
  private exitFd: number;
  private protocol: SubprocessProtocol;
  private readonly pipes = new Map<number, Transport>();
  private closed = false;
  private lost = false;
  private exited = false;

  /** @internal */
  constructor(
    loop: EventLoop,
    host: IoHostApi,
    fds: { exitFd: number; stdinFd: number; stdoutFd: number; stderrFd: number },
    protocol: SubprocessProtocol,
  ) {
    super();
    checkMadeBy(
      "loop.subprocessExec() or loop.subprocessShell()",
      loop,
      isIoHost(host) && typeof fds === "object" && fds !== null && Number.isInteger(fds.exitFd),
    );
    const exit = host.childOf(fds.exitFd);
    if (exit === null)
      throw new TypeError("use loop.subprocessExec() or loop.subprocessShell(): this object is not made directly");
    this.loop = loop;
    this.host = host;
    this.exit = exit;
    this.exitFd = fds.exitFd;
    this.protocol = protocol;
    const pipe = (fd: number, n: number) => {
      if (fd >= 0) this.pipes.set(n, new Transport(loop, host, fd, new PipeProtocol(this, n)));
    };
    pipe(fds.stdinFd, 0);
    pipe(fds.stdoutFd, 1);
    pipe(fds.stderrFd, 2);
    loop.addReader(this.exitFd, exitReadable, this);
  }

  getPid(): number {
    return this.exit.pid!;
  }

  /** The exit status once the exit was seen (-N for signal N), else null. */
  getReturncode(): number | null {
    return this.exited ? this.exit.returncode : null;
  }

  /** The transport of the child's fd 0 (write to it), 1 or 2; null when that fd is not a pipe. */
  getPipeTransport(fd: number): Transport | null {
    return this.pipes.get(fd) ?? null;
  }

  sendSignal(sig: string | number): void {
    if (this.exited) return;
    this.exit.kill(sig);
  }

  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  kill(): void {
    this.sendSignal("SIGKILL");
  }

  getExtraInfo(name: string, dflt: unknown = null): unknown {
    return name === "pid" ? this.getPid() : dflt;
  }

  isClosing(): boolean {
    return this.closed;
  }

  getProtocol(): SubprocessProtocol {
    return this.protocol;
  }

  setProtocol(protocol: SubprocessProtocol): void {
    this.protocol = protocol;
  }

  /** Closes the pipes; a child still running is killed, as asyncio does. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.pipes.values()) t.close();
    if (!this.exited) this.kill();
  }

  /** @internal */
  _call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.loop.callExceptionHandler({
        message: `protocol.${what}() failed`,
        exception: e,
        transport: this,
        protocol: this.protocol,
      });
    }
  }

  /** @internal The exit fd is readable. */
  _exited(): void {
    if (this.exited || this.exit.returncode === null) return;
    this.exited = true;
    this.loop.removeReader(this.exitFd);
    this.host.fdClose(this.exitFd);
    this.exitFd = -1;
    this._call("processExited", () => this.protocol.processExited());
    this._tryFinish();
  }

  /** @internal A pipe's transport is lost. */
  _pipeLost(n: number, exc: unknown): void {
    this.pipes.delete(n);
    this._call("pipeConnectionLost", () => this.protocol.pipeConnectionLost(n, exc));
    this._tryFinish();
  }

  private _tryFinish(): void {
    if (this.lost || !this.exited || this.pipes.size > 0) return;
    this.lost = true;
    this._call("connectionLost", () => this.protocol.connectionLost(null));
  }
}

/** Forwards one pipe's events to the subprocess protocol. */
class PipeProtocol {
  constructor(
    private readonly owner: SubprocessTransport,
    private readonly n: number,
  ) {}
  connectionMade(): void {}
  dataReceived(data: Uint8Array): void {
    const p = this.owner.getProtocol();
    this.owner._call("pipeDataReceived", () => p.pipeDataReceived(this.n, data));
  }
  eofReceived(): boolean {
    return false;
  }
  connectionLost(exc: unknown): void {
    this.owner._pipeLost(this.n, exc);
  }
}

function exitReadable(t: SubprocessTransport): void {
  t._exited();
}

/** loop.subprocessExec / subprocessShell: [transport, protocol] once connectionMade has run. */
export function subprocessSpawn<P extends SubprocessProtocol>(
  loop: EventLoop,
  protocolFactory: () => P,
  file: string,
  args: readonly string[],
  shell: boolean,
  options: SubprocessOptions = {},
): Coroutine<[SubprocessTransport, P]> {
  checkCallback(protocolFactory, "protocolFactory");
  if (typeof file !== "string" || file === "")
    throw new TypeError(`${shell ? "cmd" : "program"} must be a non-empty string`);
  if (!Array.isArray(args) || args.some((a) => typeof a !== "string"))
    throw new TypeError("args must be an array of strings");
  const o = options ?? {};
  const modes = {
    stdin: stdioMode(o.stdin === undefined ? PIPE : o.stdin, "stdin"),
    stdout: stdioMode(o.stdout === undefined ? PIPE : o.stdout, "stdout"),
    stderr: stdioMode(o.stderr === undefined ? PIPE : o.stderr, "stderr"),
  };
  return spawnIt(loop, protocolFactory, file, args, shell, { ...modes, cwd: o.cwd, env: o.env });
}

function* spawnIt<P extends SubprocessProtocol>(
  loop: EventLoop,
  protocolFactory: () => P,
  file: string,
  args: readonly string[],
  shell: boolean,
  opts: { stdin: StdioMode; stdout: StdioMode; stderr: StdioMode; cwd?: string; env?: Record<string, string> },
): Coroutine<[SubprocessTransport, P]> {
  const host = ioHostOf(loop, "subprocesses");
  const fds = host.spawn(file, args, { ...opts, shell });
  const exit = host.childOf(fds.exitFd)!;
  if (exit.pid === undefined) {
    const f = new Future<void>(loop);
    loop.addReader(
      fds.exitFd,
      (x: Future<void>) => {
        if (!x.done()) x.setResult(undefined);
      },
      f,
    );
    try {
      yield* f;
    } finally {
      loop.removeReader(fds.exitFd);
      host.fdClose(fds.exitFd);
    }
    throw exit.error ?? new Error(`${file}: the child could not be started`);
  }
  const protocol = protocolFactory();
  const transport = new SubprocessTransport(loop, host, fds, protocol);
  const made = new Future<void>(loop);
  loop._soon(() => {
    transport._call("connectionMade", () => protocol.connectionMade(transport));
    made.setResult(undefined);
  }, undefined);
  yield* made;
  return [transport, protocol];
}
