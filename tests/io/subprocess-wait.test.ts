// Process.wait(), returncode and communicate() by asyncio 3.13's rules (the cases of CPython's
// test_asyncio/test_subprocess.py where they apply): returncode is set at the exit, a pending
// wait() is woken once the child has exited and its stdout/stderr pipes are closed, a wait() begun
// once returncode is set returns it at once. Real children on the default host.

import { test } from "uvu";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as assert from "uvu/assert";
import { bounded, noFdsLeft, text } from "../helpers.js";
import { run } from "../../src/run.js";
import { createTask } from "../../src/tasks/create-task.js";
import { gather } from "../../src/tasks/gather.js";
import { sleep } from "../../src/tasks/sleep.js";
import { CancelledError } from "../../src/errors.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createSubprocessExec, createSubprocessShell, DEVNULL, PIPE } from "../../src/io/subprocess/index.js";
import type { Process } from "../../src/io/subprocess/process.js";

/** Gives the loop passes until the exit has been seen (a real child: bounded, real time). */
function* exitSeen(p: Process): Coroutine<number> {
  for (let i = 0; i < 2000 && p.returncode === null; i++) yield* sleep(5);
  assert.ok(p.returncode !== null, "the exit was not seen");
  return p.returncode!;
}

test("a grandchild holding stdout keeps a pending wait() pending although returncode is set; it returns once the pipe closes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wasio-wait-"));
  const fifo = join(dir, "go");
  try {
    await bounded(
      run(function* () {
        const made = yield* createSubprocessExec("mkfifo", [fifo]);
        assert.is(yield* made.wait(), 0);
        // The shell waits for one line, prints, and exits, leaving a background grandchild that
        // holds stdout until it has read a line from the fifo.
        const p = yield* createSubprocessShell(`read a; echo early; (read x < ${fifo}; echo "late $x") &`, {
          stdin: PIPE,
          stdout: PIPE,
          stderr: DEVNULL,
        });
        const before = createTask(p.wait());
        yield;
        p.stdin!.write("1\n");
        assert.is(text(yield* p.stdout!.readline()), "early\n");
        assert.is(yield* exitSeen(p), 0);
        yield* sleep(20);
        assert.not.ok(before.done(), "wait() returned while the grandchild held stdout");
        const after = createTask(p.wait());
        yield;
        assert.ok(after.done(), "a wait() begun after the exit returns at once");
        assert.is(after.result(), 0);
        writeFileSync(fifo, "2\n"); // the grandchild has the fifo open for reading: no block
        assert.is(text(yield* p.stdout!.readline()), "late 2\n");
        assert.is(text(yield* p.stdout!.read()), "");
        assert.is(yield* before, 0);
        yield* noFdsLeft();
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("communicate() returns when the grandchild that holds stdout closes it, with all it wrote", async () => {
  await bounded(
    run(function* () {
      const p = yield* createSubprocessShell("echo child; (sleep 0.2; echo grandchild) &", {
        stdin: PIPE,
        stdout: PIPE,
      });
      const [out, err] = yield* p.communicate("input\n");
      assert.is(text(out!), "child\ngrandchild\n");
      assert.is(err, null);
      assert.is(p.returncode, 0);
    }),
  );
});

test("wait() after communicate() returns the returncode without suspending (check_stdout_output)", async () => {
  await run(function* () {
    const p = yield* createSubprocessShell('printf "$FOO"', {
      stdout: PIPE,
      env: { FOO: "bar", PATH: "/usr/bin:/bin" },
    });
    const [out] = yield* p.communicate();
    assert.is(text(out!), "bar");
    assert.is(p.returncode, 0);
    const t = createTask(p.wait());
    yield;
    assert.is(t.result(), 0);
  });
});

test("ten concurrent waits after communicate() all give the returncode (test_subprocess_concurrent_wait)", async () => {
  await run(function* () {
    const p = yield* createSubprocessExec("cat", [], { stdin: PIPE, stdout: PIPE });
    const [out] = yield* p.communicate("some data");
    assert.is(text(out!), "some data");
    assert.is(p.returncode, 0);
    const codes = yield* gather(Array.from({ length: 10 }, () => p.wait()));
    assert.equal(codes, Array(10).fill(0));
  });
});

test("ten concurrent waits begun before the exit are all woken with the returncode", async () => {
  await run(function* () {
    const p = yield* createSubprocessShell("read x; exit 5", { stdin: PIPE, stdout: PIPE, stderr: PIPE });
    const waits = gather(Array.from({ length: 10 }, () => p.wait()));
    yield;
    p.stdin!.write("go\n");
    assert.equal(yield* waits, Array(10).fill(5));
  });
});

test("a cancelled wait() leaves the process waitable (test_cancel_process_wait)", async () => {
  await run(function* () {
    const p = yield* createSubprocessExec("sleep", ["30"]);
    const t = createTask(p.wait());
    yield;
    t.cancel();
    try {
      yield* t;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    p.kill();
    assert.is(yield* p.wait(), -9);
  });
});

test("stdout read slowly after the exit is whole, and wait() gives the exit status (test_read_stdout_after_process_exit)", async () => {
  await run(function* () {
    const p = yield* createSubprocessShell("head -c 262144 /dev/zero; exit 1", { stdout: PIPE });
    let total = 0;
    for (;;) {
      const chunk = yield* p.stdout!.read(65536);
      if (chunk.length === 0) break;
      total += chunk.length;
      yield* sleep(2);
    }
    assert.is(total, 262144);
    assert.is(yield* p.wait(), 1);
  });
});

test("stdin and stdout round-trip, then wait() (test_stdin_stdout); communicate() with no or empty input (test_communicate_none_input, test_empty_input)", async () => {
  await run(function* () {
    const p = yield* createSubprocessExec("cat", [], { stdin: PIPE, stdout: PIPE });
    p.stdin!.write("some data");
    yield* p.stdin!.drain();
    p.stdin!.close();
    assert.is(text(yield* p.stdout!.read()), "some data");
    assert.is(yield* p.wait(), 0);
    const q = yield* createSubprocessExec("cat", [], { stdin: PIPE, stdout: PIPE });
    assert.equal(yield* q.communicate(), [new Uint8Array(0), null]);
    const r = yield* createSubprocessShell("wc -c", { stdin: PIPE, stdout: PIPE, stderr: PIPE });
    const [out, err] = yield* r.communicate(new Uint8Array(0));
    assert.is(text(out!).trim(), "0");
    assert.is(text(err!), "");
    assert.is(r.returncode, 0);
  });
});

test("a child's exit status is returncode before wait() when nothing is piped (test_shell)", async () => {
  await run(function* () {
    const p = yield* createSubprocessShell("exit 7");
    assert.is(yield* p.wait(), 7);
    assert.is(p.returncode, 7);
  });
});

test.run();
