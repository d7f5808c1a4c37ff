// The checks every real WASI runtime must pass with build/core.wasm, defined once and run by one
// suite per runtime: a clock wait blocks for about the requested time; a timer wait ends at the
// heap's nearest deadline and pops that timer (never early); an fd_read interest on stdin (a pipe
// from this process) blocks until this process writes, and not before.
//
// Not a suite (no `.test.ts`): tests/wasi/node-wasi.test.ts and wasmtime.test.ts call it.

import type { Test } from "uvu";
import * as assert from "uvu/assert";
import { runChild, step, type Line } from "./children.js";

/** How the suite starts a child for a mode ("clock" | "timer" | "stdin"). */
export type ChildCommand = (mode: string) => [cmd: string, args: string[]];

const WRITE_AFTER_MS = 300;

export function defineRuntimeChecks(test: Test, runtime: string, command: ChildCommand): void {
  test(`${runtime}: a 200 ms clock wait blocks in poll_oneoff for about 200 ms`, async () => {
    const [cmd, args] = command("clock");
    const run = await runChild(cmd, args);
    const m = step(run, "clock");
    assert.is(m.n, 0, "no fd, no timer: nothing ready");
    assert.ok(m.elapsedMs >= 190, `returned after ${m.elapsedMs} ms`);
    assert.ok(m.elapsedMs <= 1500, `returned after ${m.elapsedMs} ms`);
    assert.ok(m.coreElapsedMs >= 190, `the core's own clock saw ${m.coreElapsedMs} ms`);
  });

  test(`${runtime}: a wait with no limit ends at the heap's nearest deadline and pops that timer, never early`, async () => {
    const [cmd, args] = command("timer");
    const run = await runChild(cmd, args);
    const m = step(run, "timer");
    assert.is(m.n, 1, `popped ${m.n} entries after ${m.polls} polls`);
    assert.equal(m.entries, [{ kind: 0, id: m.id, flags: 0, nbytes: 0 }]);
    assert.ok(m.lateMs >= 0, `popped ${m.lateMs} ms late by the runtime's clock (negative = early)`);
    assert.ok(m.elapsedMs >= 140 && m.elapsedMs <= 1500, `took ${m.elapsedMs} ms`);
  });

  test(`${runtime}: with an fd_read interest on stdin, poll blocks until the parent writes, and not before`, async () => {
    const [cmd, args] = command("stdin");
    let waitingAt = -1;
    let wroteAt = -1;
    const run = await runChild(cmd, args, {
      onLine: (line: Line, stdin) => {
        if (line.msg.step === "waiting") {
          waitingAt = line.at;
          setTimeout(() => { wroteAt = performance.now(); stdin.write("ping\n"); }, WRITE_AFTER_MS);
        } else if (line.msg.step === "returned") {
          stdin.end();
        }
      },
    });
    const waiting = step(run, "waiting");
    assert.is(waiting.watched, 0, "watch(0, 1) accepted");
    const returned = run.lines.find((l) => l.msg.step === "returned");
    step(run, "returned");
    assert.ok(waitingAt > 0 && wroteAt > 0, "the parent wrote after the child said it was waiting");
    assert.ok(returned!.at > wroteAt, `poll returned ${(wroteAt - returned!.at).toFixed(1)} ms before the parent wrote`);
    const m = returned!.msg;
    assert.ok(m.elapsedMs >= WRITE_AFTER_MS - 50, `poll returned after ${m.elapsedMs} ms, the write came after ~${WRITE_AFTER_MS} ms`);
    assert.ok(m.elapsedMs <= WRITE_AFTER_MS + 3000, `poll returned after ${m.elapsedMs} ms`);
    assert.is(m.n, 1, "one ready entry");
    const [e] = m.entries;
    assert.equal([e.kind, e.id, e.flags], [1, 0, 0], "fd 0 readable, no error, no hang-up");
    assert.ok(e.nbytes >= 0 && e.nbytes <= 5, `nbytes ${e.nbytes}`);
  });
}
