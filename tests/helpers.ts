// Helpers shared by the test suites (this file is not a suite: the runner only picks up
// *.test.ts). Each one is small; a suite that needs one imports it instead of defining its own.

import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CancelledError } from "../src/errors.js";
import type { SocketHost } from "../src/hosts/node/socket-host.js";
import { VirtualHost } from "../src/hosts/virtual-host.js";
import { EventLoop } from "../src/io/event-loop.js";
import type { ExceptionContext } from "../src/loop/exception-context.js";
import { getRunningLoop } from "../src/loop/running.js";
import { runSync } from "../src/run.js";
import type { Awaitable, Coroutine } from "../src/tasks/coroutine.js";
import { currentTask } from "../src/tasks/current.js";
import type { Future } from "../src/tasks/future.js";
import { sleep } from "../src/tasks/sleep.js";
import type { StreamReader } from "../src/io/streams/stream-reader.js";
import type { StreamWriter } from "../src/io/streams/stream-writer.js";

// ---------------------------------------------------------------------------------------------
// Loops and time

/** Runs `main` to completion with `runSync` on a fresh VirtualHost (simulated time) and returns its result. */
export function runVirtual<T>(main: () => Coroutine<T>): T {
  return runSync(main, { host: new VirtualHost() });
}

/** A new, not running EventLoop on a fresh VirtualHost (with the given pipe capacity), and that host. */
export function newLoop(pipeCapacity?: number): { host: VirtualHost; loop: EventLoop } {
  const host = new VirtualHost({ pipeCapacity });
  return { host, loop: new EventLoop({ host }) };
}

/** The running loop's time (in ms; virtual ms on a VirtualHost). */
export const now = () => getRunningLoop().time();

/** The running loop's host, as the default host's socket side. */
export function socketHost(): SocketHost {
  return getRunningLoop().host as SocketHost;
}

/** Records what reaches the running loop's exception handler (tests assert it stays empty). */
export function recordErrors(): ExceptionContext[] {
  const seen: ExceptionContext[] = [];
  getRunningLoop().setExceptionHandler((_loop, ctx) => {
    seen.push(ctx);
  });
  return seen;
}

/** Fails (with "`what` did not finish within `ms` ms") instead of hanging when `p` does not settle within `ms`. */
export function bounded<T>(p: Promise<T>, ms = 20_000, what = "the run"): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// Coroutines

/** Sleeps `ms`, then throws `new Error(message)`. */
export function* failAfter(ms: number, message: string): Coroutine<never> {
  yield* sleep(ms);
  throw new Error(message);
}

/** Runs `body` for at most `ms` virtual ms (a stand-in for asyncio.timeout): undefined on expiry. */
export function* within<T>(ms: number, body: Coroutine<T>): Coroutine<T | undefined> {
  const me = currentTask()!;
  let fired = false;
  const timer = getRunningLoop().callLater(ms, () => {
    fired = true;
    me.cancel();
  });
  try {
    return yield* body;
  } catch (e) {
    if (fired && e instanceof CancelledError) {
      me.uncancel();
      return undefined;
    }
    throw e;
  } finally {
    timer.cancel();
  }
}

/** How many waiters a lock-like primitive (Lock, Semaphore) has queued. */
export const waiters = (prim: { _waiters: { length: number } | null }) => prim._waiters?.length ?? 0;

// ---------------------------------------------------------------------------------------------
// Errors

/** A predicate for assert.throws: the error is an instance of `type`. */
export const isA = (type: new (...args: any[]) => unknown) => (e: unknown) => e instanceof type;

/** Asserts that `fn` throws an instance of `cls` (whose message contains `msg`). */
export function throwsA(fn: () => unknown, cls: abstract new (...a: any[]) => unknown, msg?: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, cls);
    if (msg !== undefined) assert.match((e as Error).message, msg);
    return;
  }
  assert.unreachable(`expected ${cls.name}`);
}

/** Awaits `aw`, which must throw an instance of `type`; returns the error. */
export function* rejects<E>(aw: Coroutine<unknown> | Future<unknown>, type: new (...args: any[]) => E): Coroutine<E> {
  let threw = false;
  let error: unknown;
  try {
    yield* aw;
  } catch (e) {
    threw = true;
    error = e;
  }
  assert.ok(threw, `expected ${type.name}`);
  assert.instance(error, type);
  return error as E;
}

/** Awaits `body()`: its result, or what it threw. */
export function* caught(body: () => Awaitable<unknown>): Coroutine<unknown> {
  try {
    return yield* body();
  } catch (e) {
    return e;
  }
}

/** Awaits `body()`: what it threw, or the string "no error" when it returned. */
export function* thrownBy(body: () => Awaitable<unknown>): Coroutine<unknown> {
  try {
    yield* body();
  } catch (e) {
    return e;
  }
  return "no error";
}

// ---------------------------------------------------------------------------------------------
// Bytes

/** Decodes UTF-8 bytes to a string. */
export const text = (b: Uint8Array) => new TextDecoder().decode(b);

// ---------------------------------------------------------------------------------------------
// Child processes

/** How a child script ended: its exit code (null if killed), whether it timed out, its output. */
export interface ScriptResult {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs `source`, an ES module, in a child process of this runtime (Node, or Deno under Deno); the
 * word WASIO in it stands for the URL of dist/wasio.js (build it first). The child is killed
 * after `ms` (then `timedOut` is true): for asserting that a process exits by itself.
 */
export function runScript(source: string, ms = 10_000, env?: Record<string, string>): Promise<ScriptResult> {
  const dist = join(process.cwd(), "dist/wasio.js");
  assert.ok(existsSync(dist), "dist/wasio.js is missing: run node scripts/build.mjs --quiet --no-types");
  const dir = mkdtempSync(join(tmpdir(), "wasio-test-"));
  const file = join(dir, "child.mjs");
  writeFileSync(file, source.replaceAll("WASIO", JSON.stringify(pathToFileURL(dist).href).slice(1, -1)));
  const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
  const child = spawn(process.execPath, isDeno ? ["run", "-A", "--quiet", file] : [file], {
    stdio: ["ignore", "pipe", "pipe"],
    ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
  });
  let stdout = "",
    stderr = "",
    timedOut = false;
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, ms);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, timedOut, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Sockets, pipes and their fds

/** Echoes lines until EOF, then closes: a clientConnected for startServer-like calls. */
export function* echoLines(r: StreamReader, w: StreamWriter): Coroutine<void> {
  for (;;) {
    const line = yield* r.readline();
    if (line.length === 0) break;
    w.write(line);
    yield* w.drain();
  }
  w.close();
}

/** Echoes bytes as they come until EOF, then closes: a clientConnected for startServer-like calls. */
export function* echoBytes(r: StreamReader, w: StreamWriter): Coroutine<void> {
  for (;;) {
    const data = yield* r.read(65536);
    if (data.length === 0) break;
    w.write(data);
    yield* w.drain();
  }
  w.close();
}

/** Reads `total` bytes (`readSize` at most per read) and checks each is `byteAt(its offset)`. */
export function* expectBytes(
  r: StreamReader,
  total: number,
  byteAt: (at: number) => number,
  readSize = 65536,
): Coroutine<void> {
  let at = 0;
  while (at < total) {
    const d = yield* r.read(Math.min(readSize, total - at));
    assert.ok(d.length > 0, `EOF after ${at} of ${total} bytes`);
    for (let k = 0; k < d.length; k++) if (d[k] !== byteAt(at + k)) assert.unreachable(`byte ${at + k} differs`);
    at += d.length;
  }
}

/** Awaits `body`: [the error's `code`, its message], or [undefined, "no error"]. */
export function* codeOf(body: Coroutine<unknown>): Coroutine<[string | undefined, string]> {
  try {
    yield* body;
  } catch (e) {
    return [(e as { code?: string }).code, (e as Error).message];
  }
  return [undefined, "no error"];
}

/** Asserts that the running loop's host has no fd open but its wake-up fd, once pending closes ran. */
export function* noFdsLeft(): Coroutine<void> {
  for (let i = 0; i < 3; i++) yield; // a transport closes its fd on the pass after close(), as asyncio
  const host = socketHost();
  const open: number[] = [];
  for (let fd = 3; fd < 4096; fd++) if (fd !== host.wakeupFd && host.fds.get(fd) !== undefined) open.push(fd);
  assert.equal(open, [], "open fds");
}

/** The runtime's open handles of the given kinds ("ProcessWrap", "PipeWrap", "UDPWrap"…), from process.getActiveResourcesInfo (Node and Deno). */
export function activeHandles(kinds: string[]): string[] {
  const info = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo;
  assert.type(info, "function", "process.getActiveResourcesInfo is missing");
  return info!()
    .filter((k) => kinds.includes(k))
    .sort();
}

/**
 * Handles of `kinds` open beyond `before` (a list from activeHandles), once the runtime has
 * finished the closes already started (a few turns of its loop, at most ~1 s).
 */
export async function handlesLeft(kinds: string[], before: string[]): Promise<string[]> {
  let extra: string[] = [];
  for (let i = 0; i < 100; i++) {
    const now = activeHandles(kinds);
    for (const k of before) {
      const j = now.indexOf(k);
      if (j >= 0) now.splice(j, 1);
    }
    extra = now;
    if (extra.length === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return extra;
}
