// The checks every real WASI runtime must pass with build/core.wasm, defined once and run by one
// suite per runtime: a clock wait blocks for about the requested time; a timer wait ends at the
// heap's nearest deadline and pops that timer (never early, in at most two polls even where the
// runtime truncates timeouts to whole ms); an fd_read interest on stdin (a pipe from this process)
// blocks until this process writes, and not before; a watched fd that does not exist is reported
// on that fd (EBADF) while the timers go on; stdin from /dev/null is ready; a closed pipe is
// readable with the hang-up flag the runtime gives (`hangup` below, documented in docs/wasi.md).
//
// Not a suite (no `.test.ts`): tests/wasi/node-wasi.test.ts and wasmtime.test.ts call it.

import type { Test } from "uvu";
import * as assert from "uvu/assert";
import { runChild, step, type Line } from "./children.js";

/** How the suite starts a child for a mode ("clock" | "timer" | "stdin"). */
export type ChildCommand = (mode: string) => [cmd: string, args: string[]];

const WRITE_AFTER_MS = 300;
/** A bound on waits of a few hundred ms that no load reaches, and a wrong unit exceeds. */
const SLOW_MS = 15_000;

export function defineRuntimeChecks(test: Test, runtime: string, command: ChildCommand, hangup: 0 | 1): void {
  test(`${runtime}: a 200 ms clock wait blocks in poll_oneoff for about 200 ms`, async () => {
    const [cmd, args] = command("clock");
    const run = await runChild(cmd, args);
    const m = step(run, "clock");
    assert.is(m.n, 0, "no fd, no timer: nothing ready");
    assert.ok(m.elapsedMs >= 190, `returned after ${m.elapsedMs} ms`);
    // The upper bounds catch a wrong unit (a wait 1000 times too long), not slowness: a loaded
    // machine may deschedule the child for seconds.
    assert.ok(m.elapsedMs <= SLOW_MS, `returned after ${m.elapsedMs} ms`);
    assert.ok(m.coreElapsedMs >= 190, `the core's own clock saw ${m.coreElapsedMs} ms`);
  });

  test(`${runtime}: a wait with no limit ends at the heap's nearest deadline and pops that timer, never early`, async () => {
    const [cmd, args] = command("timer");
    const run = await runChild(cmd, args);
    const m = step(run, "timer");
    assert.is(m.n, 1, `popped ${m.n} entries after ${m.polls} polls`);
    assert.equal(m.entries, [{ kind: 0, id: m.id, flags: 0, nbytes: 0 }]);
    assert.ok(m.lateMs >= 0, `popped ${m.lateMs} ms late by the runtime's clock (negative = early)`);
    assert.ok(m.elapsedMs >= 140 && m.elapsedMs <= SLOW_MS, `took ${m.elapsedMs} ms`);
    assert.ok(m.polls <= 2, `${m.polls} polls for one timer`);
  });

  test(`${runtime}: a watched fd that does not exist is reported on that fd with EBADF, and the timer and stdin go on`, async () => {
    const [cmd, args] = command("trouble");
    const m = step(await runChild(cmd, args), "trouble");
    assert.equal(m.failed, 0, "no poll failed");
    assert.equal(m.fds, [{ kind: 1, id: 9, flags: 8 << 16, nbytes: 0 }], "fd 9: EBADF; fd 0 (a quiet pipe): nothing");
    assert.ok(m.popped, `the timer popped (${m.polls} polls)`);
    assert.ok(m.polls <= 4, `${m.polls} polls`);
  });

  test(`${runtime}: stdin from /dev/null is readable (as poll(2) says), not a failed poll`, async () => {
    const [cmd, args] = command("devnull");
    const m = step(await runChild(cmd, args, { stdin: "ignore" }), "devnull");
    assert.equal(m.failed, 0, "no poll failed");
    assert.equal(
      m.fds.map((e: any) => [e.kind, e.id, e.flags >> 16]),
      [[1, 0, 0]],
    );
    assert.ok(m.popped, "the timer popped");
  });

  test(`${runtime}: a closed pipe on stdin is readable, hang-up flag ${hangup}`, async () => {
    const [cmd, args] = command("eof");
    const m = step(await runChild(cmd, args, { stdin: "closed" }), "eof");
    assert.is(m.n, 1);
    assert.equal([m.entries[0].kind, m.entries[0].id, m.entries[0].flags], [1, 0, hangup]);
  });

  test(`${runtime}: with an fd_read interest on stdin, poll blocks until the parent writes, and not before`, async () => {
    const [cmd, args] = command("stdin");
    let waitingAt = -1;
    let wroteAt = -1;
    const run = await runChild(cmd, args, {
      onLine: (line: Line, stdin) => {
        if (line.msg.step === "waiting") {
          waitingAt = line.at;
          setTimeout(() => {
            wroteAt = performance.now();
            stdin.write("ping\n");
          }, WRITE_AFTER_MS);
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
    assert.ok(
      returned!.at > wroteAt,
      `poll returned ${(wroteAt - returned!.at).toFixed(1)} ms before the parent wrote`,
    );
    const m = returned!.msg;
    assert.ok(
      m.elapsedMs >= WRITE_AFTER_MS - 50,
      `poll returned after ${m.elapsedMs} ms, the write came after ~${WRITE_AFTER_MS} ms`,
    );
    assert.ok(m.elapsedMs <= WRITE_AFTER_MS + SLOW_MS, `poll returned after ${m.elapsedMs} ms`);
    assert.is(m.n, 1, "one ready entry");
    const [e] = m.entries;
    assert.equal([e.kind, e.id, e.flags], [1, 0, 0], "fd 0 readable, no error, no hang-up");
    assert.ok(e.nbytes >= 0 && e.nbytes <= 5, `nbytes ${e.nbytes}`);
  });
}
