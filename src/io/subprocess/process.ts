// Process: asyncio.subprocess.Process — a running child with its pipes as streams. stdin is a
// StreamWriter over a Transport, stdout and stderr StreamReaders fed by a Transport (a read
// pipe's transport closes its fd at EOF), each on the pipe's host fd; the exit is a host fd that
// becomes readable when the child has exited, so wait() parks on the loop like a read does (no
// polling of the child).
//
// The rules of wait() and returncode are asyncio's: returncode is set as soon as the exit is seen;
// the process is finished once it has exited AND its stdout and stderr pipes are closed (read to
// EOF, failed, or closed by the caller), and only then is stdin closed and are the pending wait()s
// woken. So a grandchild that still holds stdout keeps a pending wait() pending, and a child whose
// unread output fills the reader's buffer blocks it (use communicate()). A wait() that begins once
// returncode is set returns it at once, pipes or not.
//
// communicate(input) writes `input`, closes stdin, reads stdout and stderr to their ends at the
// same time (so a child that floods stderr while the caller wants stdout cannot deadlock), then
// waits. A child that closed its stdin early (EPIPE, ECONNRESET) does not fail it, as in asyncio.
// Cancelling communicate() or wait() leaves the child running and the Process usable; the child is
// reaped by the host once it exits, whoever waits.

import { isIoHost, type ChildHandle, type IoHostApi } from "../../hosts/io-api.js";
import { checkMadeBy } from "../transports/check-internal.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { gather } from "../../tasks/gather.js";
import type { StreamReader } from "../streams/stream-reader.js";
import type { StreamWriter } from "../streams/stream-writer.js";
import type { ReaderProtocol } from "./reader-protocol.js";

const encoder = new TextEncoder();

export class Process {
  /** The child's stdin (when it was PIPE), else null. */
  readonly stdin: StreamWriter | null;
  /** The child's stdout and stderr (when they were PIPE), else null. */
  readonly stdout: StreamReader | null;
  readonly stderr: StreamReader | null;
  private readonly loop: EventLoop;
  private readonly host: IoHostApi;
  private readonly exit: ChildHandle;
  private exitFd: number;
  private openPipes: number;
  private finished = false;
  private waiters: Future<number>[] = [];

  /** @internal Use createSubprocessExec() / createSubprocessShell(). */
  constructor(
    loop: EventLoop,
    host: IoHostApi,
    exitFd: number,
    stdin: StreamWriter | null,
    stdout: StreamReader | null,
    stderr: StreamReader | null,
    pipes: readonly ReaderProtocol[] = [],
  ) {
    checkMadeBy("createSubprocessExec() or createSubprocessShell()", loop, isIoHost(host) && Number.isInteger(exitFd));
    const exit = host.childOf(exitFd);
    if (exit === null)
      throw new TypeError("use createSubprocessExec() or createSubprocessShell(): this object is not made directly");
    this.loop = loop;
    this.host = host;
    this.exit = exit;
    this.exitFd = exitFd;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.openPipes = pipes.length;
    for (const pipe of pipes) pipe.onLost = () => this._pipeLost();
    loop.addReader(exitFd, processExited, this);
  }

  /** The child's process id. */
  get pid(): number {
    return this.exit.pid!;
  }

  /** The exit status once the child has exited (-N when signal N killed it), else null. */
  get returncode(): number | null {
    return this.exitFd < 0 ? this.exit.returncode : null;
  }

  /**
   * Waits for the child to exit and its stdout and stderr pipes to close; returns its returncode
   * (at once when returncode is already set).
   */
  *wait(): Coroutine<number> {
    if (this.exitFd < 0) return this.exit.returncode!;
    const w = new Future<number>(this.loop);
    this.waiters.push(w);
    try {
      return yield* w;
    } finally {
      const i = this.waiters.indexOf(w);
      if (i >= 0) this.waiters.splice(i, 1);
    }
  }

  /**
   * Sends `input` to stdin and closes it, reads stdout and stderr to EOF, waits for the exit;
   * returns [stdout, stderr] (null for a stream that was not PIPE).
   */
  *communicate(input?: Uint8Array | string | null): Coroutine<[Uint8Array | null, Uint8Array | null]> {
    if (input !== undefined && input !== null && typeof input !== "string" && !(input instanceof Uint8Array)) {
      throw new TypeError(`input must be a Uint8Array, a string or null, got ${typeof input}`);
    }
    const [, out, err] = (yield* gather([
      this.feedStdin(input ?? null),
      this.readAll(this.stdout),
      this.readAll(this.stderr),
    ])) as [void, Uint8Array | null, Uint8Array | null];
    yield* this.wait();
    return [out, err];
  }

  /** Sends `sig` ("SIGTERM", 15…) to the child; nothing once it has exited. */
  sendSignal(sig: string | number): void {
    if (typeof sig !== "string" && typeof sig !== "number")
      throw new TypeError(`sig must be a signal name or number, got ${typeof sig}`);
    if (this.returncode !== null) return;
    try {
      this.exit.kill(sig);
    } catch (e) {
      if ((e as { code?: string }).code === "ERR_UNKNOWN_SIGNAL") throw new RangeError(`unknown signal ${String(sig)}`);
      throw e;
    }
  }

  /** SIGTERM. */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /** SIGKILL. */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  toString(): string {
    return `<Process ${this.exit.pid ?? "?"}${this.returncode === null ? " running" : ` returncode=${this.returncode}`}>`;
  }

  // ------------------------------------------------------------------ internals

  /** @internal The exit fd is readable: the child has exited. */
  _exited(): void {
    const fd = this.exitFd;
    if (fd < 0 || this.exit.returncode === null) return;
    this.loop.removeReader(fd);
    this.host.fdClose(fd);
    this.exitFd = -1;
    this.tryFinish();
  }

  /** @internal The transport of the stdout or stderr pipe is lost. */
  _pipeLost(): void {
    this.openPipes--;
    this.tryFinish();
  }

  /** Exited and no read pipe left: release stdin and wake the waiters. */
  private tryFinish(): void {
    if (this.finished || this.exitFd >= 0 || this.openPipes > 0) return;
    this.finished = true;
    this.stdin?.close();
    const code = this.exit.returncode!;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) if (!w.done()) w.setResult(code);
  }

  private *feedStdin(input: Uint8Array | string | null): Coroutine<void> {
    const stdin = this.stdin;
    if (stdin === null) return;
    try {
      if (input !== null && input.length > 0) {
        stdin.write(typeof input === "string" ? encoder.encode(input) : input);
        yield* stdin.drain();
      }
    } catch (e) {
      if (!isBrokenPipe(e)) throw e; // the child closed its stdin: what it did not read is dropped
    }
    stdin.close();
  }

  private *readAll(reader: StreamReader | null): Coroutine<Uint8Array | null> {
    if (reader === null) return null;
    return yield* reader.read(); // at EOF the pipe's transport closes itself
  }
}

function processExited(p: Process): void {
  p._exited();
}

/** EPIPE or ECONNRESET: the reading end of the pipe is gone. */
export function isBrokenPipe(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "ECONNRESET";
}
