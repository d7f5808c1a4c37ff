import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../src/run.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { KeyboardInterrupt } from "../../src/io/signals/keyboard-interrupt.js";

// The child scenarios live in tests/fixtures/signals-child.mjs and import dist/wasio.js. Under
// Deno the child runs under Deno too.
const ROOT = process.cwd();
const CHILD = join(ROOT, "tests/fixtures/signals-child.mjs");
const DIST = join(ROOT, "dist/wasio.js");
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

interface ChildResult {
  code: number | null;
  signal: string | null;
  stdout: string[];
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a child scenario; `onLine` sees each stdout line (to send signals at the right moment).
 * The child is killed after `ms`.
 */
function runChild(
  scenario: string,
  onLine: (line: string, child: ChildProcess) => void,
  ms = 20_000,
): Promise<ChildResult> {
  assert.ok(existsSync(DIST), "dist/wasio.js is missing: run node scripts/build.mjs --quiet --no-types");
  const args = isDeno ? ["run", "-A", "--quiet", CHILD, scenario] : [CHILD, scenario];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const stdout: string[] = [];
  let stderr = "";
  let partial = "";
  let timedOut = false;
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    partial += chunk;
    for (let i = partial.indexOf("\n"); i >= 0; i = partial.indexOf("\n")) {
      const line = partial.slice(0, i);
      partial = partial.slice(i + 1);
      stdout.push(line);
      onLine(line, child);
    }
  });
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    send(child, "SIGKILL");
  }, ms);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/**
 * Sends `sig` to the child: `child.kill` (Node); under Deno `process.kill(pid)`, as Deno's
 * `child.kill` refuses every signal after the first.
 */
function send(child: ChildProcess, sig: NodeJS.Signals): void {
  if (isDeno) process.kill(child.pid!, sig);
  else child.kill(sig);
}

function explain(r: ChildResult): string {
  return `exit code ${r.code}, signal ${r.signal}${r.timedOut ? " (timed out)" : ""}\nstdout:\n${r.stdout.join("\n")}\nstderr:\n${r.stderr}`;
}

test("signal handlers run as loop callbacks with their arguments, and a new handler replaces the old", async () => {
  const next: Record<string, NodeJS.Signals> = {
    ready: "SIGUSR1",
    "got SIGUSR1 a inLoop=true": "SIGUSR2",
    "got SIGUSR2 b inLoop=true": "SIGTERM",
    "got SIGTERM c inLoop=true": "SIGHUP",
  };
  const r = await runChild("handlers", (line, child) => {
    if (next[line] !== undefined) send(child, next[line]);
  });
  assert.equal(
    r.stdout,
    [
      "ready",
      "got SIGUSR1 a inLoop=true",
      "got SIGUSR2 b inLoop=true",
      "got SIGTERM c inLoop=true",
      "got SIGHUP d inLoop=true",
      "remove SIGUSR1: true, again: false",
      "done",
    ],
    explain(r),
  );
  assert.is(r.code, 0, explain(r));
});

test("SIGINT cancels run()'s main task, and run() throws KeyboardInterrupt", async () => {
  const r = await runChild("sigint", (line, child) => {
    if (line === "ready") send(child, "SIGINT");
  });
  assert.equal(r.stdout, ["ready", "main saw CancelledError"], explain(r));
  assert.is(r.signal, null, explain(r));
  assert.ok(r.code !== null && r.code !== 0, explain(r));
  assert.match(r.stderr, /KeyboardInterrupt/, explain(r));
});

test("a second SIGINT while main cleans up has the default action", async () => {
  const r = await runChild("sigint-twice", (line, child) => {
    if (line === "ready" || line.startsWith("cleaning up")) send(child, "SIGINT");
  });
  assert.equal(r.stdout, ["ready", "cleaning up after CancelledError"], explain(r));
  assert.ok(r.signal === "SIGINT" || r.code === 130, explain(r));
});

test("when main swallows the SIGINT cancellation, run() returns its value", async () => {
  const r = await runChild("sigint-swallowed", (line, child) => {
    if (line === "ready") send(child, "SIGINT");
  });
  assert.equal(r.stdout, ["ready", "main saw CancelledError", "run() returned 42"], explain(r));
  assert.is(r.code, 0, explain(r));
});

test("removeSignalHandler restores the signal's default action", async () => {
  const r = await runChild("removed", (line, child) => {
    if (line === "ready") send(child, "SIGTERM");
  });
  assert.equal(r.stdout, ["removed: true", "ready"], explain(r));
  assert.ok(r.signal === "SIGTERM" || r.code === 143, explain(r));
});

test("what a handler throws goes to the loop's exception handler", async () => {
  const reports: ExceptionContext[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    loop.setExceptionHandler((_l, ctx) => {
      reports.push(ctx);
    });
    const done = loop.createFuture<void>();
    loop.addSignalHandler("SIGUSR2", () => {
      loop.callSoon(() => done.setResult(undefined));
      throw new Error("handler failed");
    });
    const far = loop.callLater(20_000, () => done.setException(new Error("the signal never arrived")));
    process.kill(process.pid, "SIGUSR2");
    yield* done;
    far.cancel();
  });
  assert.is(reports.length, 1);
  assert.is((reports[0].exception as Error).message, "handler failed");
  assert.match(reports[0].message, /Exception in callback/);
});

test("closing the loop removes its handlers from the process", () => {
  const loop = new EventLoop();
  const before = process.listenerCount("SIGUSR1");
  loop.addSignalHandler("SIGUSR1", () => {});
  loop.addSignalHandler("SIGUSR1", () => {});
  assert.is(process.listenerCount("SIGUSR1"), before + 1, "one listener per signal and loop");
  loop.close();
  assert.is(process.listenerCount("SIGUSR1"), before);
  assert.is(loop.removeSignalHandler("SIGUSR1"), false);
});

test("signal names are checked: unknown names and uncatchable signals are refused", () => {
  const loop = new EventLoop();
  try {
    assert.throws(() => loop.addSignalHandler(9 as any, () => {}), TypeError);
    assert.throws(() => loop.addSignalHandler("SIGFOO", () => {}), RangeError);
    assert.throws(() => loop.addSignalHandler("sigint", () => {}), RangeError);
    assert.throws(() => loop.addSignalHandler("SIGKILL", () => {}), /cannot be caught/);
    assert.throws(() => loop.addSignalHandler("SIGSTOP", () => {}), RangeError);
    assert.throws(() => loop.addSignalHandler("SIGSEGV", () => {}), RangeError);
    assert.throws(() => loop.addSignalHandler("SIGUSR1", 42 as any), TypeError);
    assert.throws(() => loop.addSignalHandler("SIGUSR1", function* () {} as any), TypeError);
    assert.throws(() => loop.removeSignalHandler("SIGFOO"), RangeError);
    assert.throws(() => loop.removeSignalHandler(undefined as any), TypeError);
    assert.is(loop.removeSignalHandler("SIGUSR1"), false);
    assert.is(loop.removeSignalHandler("SIGKILL"), false);
  } finally {
    loop.close();
  }
  assert.throws(() => loop.addSignalHandler("SIGUSR1", () => {}), /closed/);
});

test("a host that blocks in poll cannot take signals", () => {
  const loop = new EventLoop({ host: new VirtualHost() });
  try {
    assert.throws(() => loop.addSignalHandler("SIGUSR1", () => {}), /not supported/);
  } finally {
    loop.close();
  }
});

test("KeyboardInterrupt is an Error with its own name", () => {
  const e = new KeyboardInterrupt();
  assert.instance(e, Error);
  assert.is(e.name, "KeyboardInterrupt");
  assert.is(e.message, "");
});

test.run();
