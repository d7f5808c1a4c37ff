// Subprocesses on the default host (Node, and Deno with --allow-run): pipes as host fds read
// through the core's poll, exit without polling, communicate without deadlock, EPIPE as an error
// with a code, kills and cancellations leaving no zombie and no fd behind.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { createTask } from "../../src/tasks/create-task.js";
import { CancelledError } from "../../src/errors.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import {
  createSubprocessExec,
  createSubprocessShell,
  DEVNULL,
  PIPE,
  STDOUT,
  SubprocessProtocol,
} from "../../src/io/subprocess/index.js";
import { Future } from "../../src/tasks/future.js";
import { handlesLeft, recordErrors, socketHost, text, throwsA } from "../helpers.js";

/** Open fds of the running loop's host, beyond the wake-up fd, once pending closes have run. */
function* openFds(): Coroutine<number> {
  yield; // a transport that reached EOF closes its fd on the next pass, as in asyncio
  yield;
  const host = socketHost();
  let n = 0;
  for (let fd = 3; fd < 4096; fd++) if (fd !== host.wakeupFd && host.fds.get(fd) !== undefined) n++;
  return n;
}

/** True while `pid` exists in any state, zombies included (Linux /proc). */
const alive = (pid: number) => existsSync(`/proc/${pid}`);

test("a child's stdout is read line by line and wait() gives its exit status", async () => {
  await run(function* () {
    const errors = recordErrors();
    const p = yield* createSubprocessExec("sh", ["-c", "echo one; echo two; exit 3"], { stdout: PIPE });
    assert.ok(p.pid > 0);
    assert.is(p.stdin, null);
    assert.is(p.stderr, null);
    assert.is(text(yield* p.stdout!.readline()), "one\n");
    assert.is(text(yield* p.stdout!.readline()), "two\n");
    assert.is(text(yield* p.stdout!.read()), "");
    assert.is(yield* p.wait(), 3);
    assert.is(p.returncode, 3);
    assert.is(yield* p.wait(), 3);
    assert.equal(errors, []);
    assert.is(yield* openFds(), 0);
  });
});

test("communicate sends input, closes stdin, and returns stdout and stderr", async () => {
  await run(function* () {
    const p = yield* createSubprocessExec("sh", ["-c", "cat; echo oops >&2"], {
      stdin: PIPE,
      stdout: PIPE,
      stderr: PIPE,
    });
    const [out, err] = yield* p.communicate("hello child\n");
    assert.is(text(out!), "hello child\n");
    assert.is(text(err!), "oops\n");
    assert.is(p.returncode, 0);
    assert.is(yield* openFds(), 0);
  });
});

test("a child flooding stderr while the parent wants stdout does not deadlock communicate", async () => {
  await run(function* () {
    const p = yield* createSubprocessShell("head -c 2000000 /dev/zero >&2; head -c 1500000 /dev/zero; echo end", {
      stdout: PIPE,
      stderr: PIPE,
    });
    const [out, err] = yield* p.communicate();
    assert.is(err!.length, 2_000_000);
    assert.is(out!.length, 1_500_004);
    assert.is(text(out!.subarray(out!.length - 4)), "end\n");
    assert.is(p.returncode, 0);
    assert.is(yield* openFds(), 0);
  });
});

test("STDOUT sends stderr into the stdout pipe; DEVNULL discards", async () => {
  await run(function* () {
    const p = yield* createSubprocessExec("sh", ["-c", "echo a; echo b >&2; echo c"], { stdout: PIPE, stderr: STDOUT });
    const [out, err] = yield* p.communicate();
    assert.is(text(out!), "a\nb\nc\n");
    assert.is(err, null);
    const q = yield* createSubprocessShell("echo gone; echo gone >&2", { stdout: DEVNULL, stderr: DEVNULL });
    assert.equal(yield* q.communicate(), [null, null]);
    assert.is(q.returncode, 0);
  });
});

test("cwd and env reach the child", async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "wasio-sub-")));
  try {
    await run(function* () {
      const p = yield* createSubprocessShell('pwd; echo "$WASIO_X"', {
        stdout: PIPE,
        cwd: dir,
        env: { WASIO_X: "from env", PATH: process.env.PATH ?? "/usr/bin:/bin" },
      });
      const [out] = yield* p.communicate();
      assert.is(text(out!), `${dir}\nfrom env\n`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("kill() and terminate() end the child with returncode -9 and -15; sendSignal after exit does nothing", async () => {
  await run(function* () {
    const p = yield* createSubprocessExec("sleep", ["30"]);
    p.kill();
    assert.is(yield* p.wait(), -9);
    p.kill(); // already gone: no error
    const q = yield* createSubprocessExec("sleep", ["30"]);
    q.terminate();
    assert.is(yield* q.wait(), -15);
    assert.not.ok(alive(p.pid) || alive(q.pid), "no zombie left");
    throwsA(() => q.sendSignal({} as any), TypeError);
    assert.is(yield* openFds(), 0);
  });
});

test("a child killed while its output is half read keeps what was already sent, then reads EOF", async () => {
  await run(function* () {
    const p = yield* createSubprocessShell("head -c 100000 /dev/zero; echo; echo marker; exec sleep 30", {
      stdout: PIPE,
      limit: 1 << 20,
    });
    const first = yield* p.stdout!.readexactly(10);
    assert.is(first.length, 10);
    const line = yield* p.stdout!.readuntil("marker\n");
    assert.is(line.length, 100000 - 10 + 1 + 7);
    p.kill();
    assert.is(yield* p.wait(), -9);
    assert.is((yield* p.stdout!.read()).length, 0);
    assert.is(yield* openFds(), 0);
  });
});

test("a missing program throws ENOENT inside the coroutine and leaves no fd", async () => {
  await run(function* () {
    try {
      yield* createSubprocessExec("/nonexistent/wasio-no-such-program", [], {
        stdin: PIPE,
        stdout: PIPE,
        stderr: PIPE,
      });
      assert.unreachable("started");
    } catch (e) {
      assert.is((e as { code?: string }).code, "ENOENT", String((e as Error).stack));
    }
    assert.is(yield* openFds(), 0);
  });
});

test("writing to a child that closed its stdin fails drain() with code EPIPE, never an uncaught error", async () => {
  await run(function* () {
    const errors = recordErrors();
    const p = yield* createSubprocessShell("exec 0<&-; exec sleep 30", { stdin: PIPE });
    const big = new Uint8Array(256 * 1024);
    let code: string | undefined;
    let stack = "";
    try {
      for (let i = 0; i < 64; i++) {
        p.stdin!.write(big);
        yield* p.stdin!.drain();
      }
    } catch (e) {
      code = (e as { code?: string }).code;
      stack = String((e as Error).stack);
    }
    assert.ok(code === "EPIPE" || code === "ECONNRESET", `code ${code}: ${stack}`);
    // communicate() with input to such a child does not fail either
    const q = yield* createSubprocessShell("exec 0<&-; echo ok", { stdin: PIPE, stdout: PIPE });
    const [out] = yield* q.communicate(big);
    assert.is(text(out!), "ok\n");
    p.kill();
    yield* p.wait();
    assert.equal(errors, []);
    assert.is(yield* openFds(), 0);
  });
});

test("cancelling communicate() leaves the child running and usable; killed and waited, it leaves no zombie", async () => {
  await run(function* () {
    const p = yield* createSubprocessShell("echo started; exec sleep 30", { stdout: PIPE, stderr: PIPE });
    assert.is(text(yield* p.stdout!.readline()), "started\n");
    const t = createTask(p.communicate());
    yield* sleepMs(20);
    t.cancel();
    try {
      yield* t;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    assert.is(p.returncode, null);
    assert.ok(alive(p.pid));
    p.kill();
    assert.is(yield* p.wait(), -9);
    assert.not.ok(alive(p.pid), "no zombie");
    assert.equal(yield* p.communicate(), [new Uint8Array(0), new Uint8Array(0)]);
    assert.is(yield* openFds(), 0);
  });
});

class Recorder extends SubprocessProtocol {
  events: string[] = [];
  out: Record<number, string> = { 1: "", 2: "" };
  done = new Future<void>(getRunningLoop());
  override connectionMade(): void {
    this.events.push("made");
  }
  override pipeDataReceived(fd: number, d: Uint8Array): void {
    this.out[fd] += text(d);
  }
  override pipeConnectionLost(fd: number): void {
    this.events.push(`pipe ${fd} lost`);
  }
  override processExited(): void {
    this.events.push("exited");
  }
  override connectionLost(): void {
    this.events.push("lost");
    this.done.setResult(undefined);
  }
}

test("loop.subprocessExec drives a SubprocessProtocol: pipe data by fd, then the exit, then connectionLost last", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const errors = recordErrors();
    const [t, p] = yield* loop.subprocessExec(() => new Recorder(), "sh", [
      "-c",
      "read x; echo got $x; echo err >&2; exit 4",
    ]);
    assert.equal(p.events, ["made"]);
    assert.ok(t.getPid() > 0);
    t.getPipeTransport(0)!.write("hi\n");
    t.getPipeTransport(0)!.close();
    yield* p.done;
    assert.is(p.out[1], "got hi\n");
    assert.is(p.out[2], "err\n");
    assert.is(t.getReturncode(), 4);
    assert.is(p.events[p.events.length - 1], "lost");
    for (const e of ["pipe 0 lost", "pipe 1 lost", "pipe 2 lost", "exited"]) assert.ok(p.events.includes(e), e);
    assert.equal(errors, []);
    assert.is(yield* openFds(), 0);
  });
});

test("closing a SubprocessTransport kills a child that still runs", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const [t, p] = yield* loop.subprocessShell(() => new Recorder(), "exec sleep 30", {
      stdin: DEVNULL,
      stderr: DEVNULL,
    });
    t.close();
    yield* p.done;
    assert.is(t.getReturncode(), -9);
    assert.is(yield* openFds(), 0);
  });
});

test("createSubprocessExec and createSubprocessShell check their arguments eagerly", () => {
  throwsA(() => createSubprocessExec(42 as any), TypeError, "program");
  throwsA(() => createSubprocessExec("ls", "-l" as any), TypeError, "args");
  throwsA(() => createSubprocessShell(""), TypeError, "cmd");
});

test("a bad stdio value throws inside the coroutine", async () => {
  await run(function* () {
    try {
      yield* createSubprocessExec("true", [], { stdout: STDOUT });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, RangeError);
      assert.match((e as Error).message, "stdout must be PIPE, DEVNULL or null");
    }
  });
});

test("after a kill mid-read, EPIPE and a cancelled communicate, the runtime holds no more process or pipe handles than before", async () => {
  const kinds = ["ProcessWrap", "PipeWrap"];
  const before = await handlesLeft(kinds, []); // this process's own stdout and stderr may be pipes
  await run(function* () {
    const p = yield* createSubprocessShell("head -c 300000 /dev/zero; exec sleep 30", {
      stdin: PIPE,
      stdout: PIPE,
      stderr: PIPE,
    });
    yield* p.stdout!.readexactly(1000);
    p.kill(); // the shell dies; its child head still holds stdout, so wait() waits for the pipe's EOF
    const w = createTask(p.wait());
    yield* p.stdout!.read();
    yield* w;
    const q = yield* createSubprocessShell("exec 0<&-; exec sleep 30", { stdin: PIPE, stdout: PIPE, stderr: DEVNULL });
    const t = createTask(q.communicate(new Uint8Array(1 << 20)));
    yield* sleepMs(20);
    t.cancel();
    try {
      yield* t;
    } catch {
      /* cancelled */
    }
    // q still runs with its pipes open: closing the loop closes them and lets the child go
  });
  assert.equal(await handlesLeft(kinds, before), [], "handles left");
});

function* sleepMs(ms: number): Coroutine<void> {
  const loop = getRunningLoop();
  const f = loop.createFuture<void>();
  loop.callLater(ms, () => f.setResult(undefined));
  yield* f;
}

test.run();
