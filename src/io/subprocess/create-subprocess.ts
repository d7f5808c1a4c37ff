// createSubprocessExec and createSubprocessShell: asyncio.create_subprocess_exec/_shell. Each
// standard fd of the child is PIPE (a stream in the Process), DEVNULL, STDOUT (stderr only: into
// the stdout pipe) or null/undefined (inherited from this process). The child is started inside
// the coroutine, so a refused spawn (a missing program: code "ENOENT"; Deno without --allow-run)
// is thrown there, and no fd is left open when it fails.

import type { StdioMode } from "../../hosts/io-api.js";
import { ioHostOf } from "../io-host-of.js";
import { getRunningLoop } from "../../loop/running.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { streamWriterOn } from "../streams/stream-pair.js";
import { StreamReader, checkLimit } from "../streams/stream-reader.js";
import type { StreamWriter } from "../streams/stream-writer.js";
import { Transport } from "../transports/transport.js";
import { Process } from "./process.js";
import { ReaderProtocol } from "./reader-protocol.js";

/** A pipe to the Process (asyncio.subprocess.PIPE). */
export const PIPE = -1;
/** stderr goes where stdout goes (asyncio.subprocess.STDOUT). */
export const STDOUT = -2;
/** The null device (asyncio.subprocess.DEVNULL). */
export const DEVNULL = -3;

export interface SubprocessOptions {
  stdin?: number | null;
  stdout?: number | null;
  stderr?: number | null;
  /** The child's working directory. */
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: Record<string, string>;
  /** The buffer limit of the stdout/stderr readers (default 64 KiB). */
  limit?: number;
}

/** Starts `program` with `args` (no shell); returns the Process once it is running. */
export function createSubprocessExec(
  program: string,
  args: readonly string[] = [],
  options: SubprocessOptions = {},
): Coroutine<Process> {
  if (typeof program !== "string" || program === "")
    throw new TypeError(
      `program must be a non-empty string, got ${program === "" ? "an empty string" : typeof program}`,
    );
  if (!Array.isArray(args) || args.some((a) => typeof a !== "string"))
    throw new TypeError("args must be an array of strings");
  return spawnProcess(program, args, options, false);
}

/** Runs `cmd` through the shell (/bin/sh -c); returns the Process once it is running. */
export function createSubprocessShell(cmd: string, options: SubprocessOptions = {}): Coroutine<Process> {
  if (typeof cmd !== "string" || cmd === "")
    throw new TypeError(`cmd must be a non-empty string, got ${cmd === "" ? "an empty string" : typeof cmd}`);
  return spawnProcess(cmd, [], options, true);
}

/** The host's stdio mode for PIPE / DEVNULL / STDOUT (stderr only) / null (inherit). */
export function stdioMode(v: number | null | undefined, which: string): StdioMode {
  if (v === undefined || v === null) return "inherit";
  if (v === PIPE) return "pipe";
  if (v === DEVNULL) return "ignore";
  if (v === STDOUT && which === "stderr") return "stdout";
  if (typeof v !== "number")
    throw new TypeError(
      `${which} must be PIPE, DEVNULL${which === "stderr" ? ", STDOUT" : ""} or null, got ${typeof v}`,
    );
  throw new RangeError(`${which} must be PIPE, DEVNULL${which === "stderr" ? ", STDOUT" : ""} or null, got ${v}`);
}

function* spawnProcess(
  file: string,
  args: readonly string[],
  options: SubprocessOptions,
  shell: boolean,
): Coroutine<Process> {
  const o = options ?? {};
  const modes = {
    stdin: stdioMode(o.stdin, "stdin"),
    stdout: stdioMode(o.stdout, "stdout"),
    stderr: stdioMode(o.stderr, "stderr"),
  };
  const limit = checkLimit(o.limit);
  if (o.cwd !== undefined && typeof o.cwd !== "string") throw new TypeError("cwd must be a string");
  if (o.env !== undefined && (o.env === null || typeof o.env !== "object"))
    throw new TypeError("env must be an object of strings");
  const loop = getRunningLoop();
  const host = ioHostOf(loop, "subprocesses");
  const fds = host.spawn(file, args, { ...modes, cwd: o.cwd, env: o.env, shell });
  const exit = host.childOf(fds.exitFd)!;
  if (exit.pid === undefined) {
    // It could not start: the error arrives on a later turn of the host.
    try {
      yield* readable(loop, fds.exitFd);
    } finally {
      for (const fd of [fds.exitFd, fds.stdinFd, fds.stdoutFd, fds.stderrFd]) if (fd >= 0) host.fdClose(fd);
    }
    const err = exit.error ?? new Error(`${file}: the child could not be started`);
    throw err;
  }
  let stdin: StreamWriter | null = null;
  if (fds.stdinFd >= 0) {
    stdin = streamWriterOn(loop, host, fds.stdinFd);
  }
  const pipes: ReaderProtocol[] = [];
  const reader = (fd: number): StreamReader | null => {
    if (fd < 0) return null;
    const r = new StreamReader({ limit, loop });
    const protocol = new ReaderProtocol(r);
    pipes.push(protocol);
    new Transport(loop, host, fd, protocol);
    return r;
  };
  const stdout = reader(fds.stdoutFd);
  const stderr = reader(fds.stderrFd);
  return new Process(loop, host, fds.exitFd, stdin, stdout, stderr, pipes);
}

function* readable(loop: EventLoop, fd: number): Coroutine<void> {
  const fut = new Future<void>(loop);
  loop.addReader(
    fd,
    (f: Future<void>) => {
      if (!f.done()) f.setResult(undefined);
    },
    fut,
  );
  try {
    yield* fut;
  } finally {
    loop.removeReader(fd);
  }
}
