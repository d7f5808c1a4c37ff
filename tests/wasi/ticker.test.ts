// build/examples/ticker.wasm, the AssemblyScript WASI command on wasio's loop, under each blocking
// runtime here (node:wasi; wasmtime's Python embedding): its protocol — `tick N` every 50 ms
// while stdin is quiet, `line: TEXT` per input line, `eof` and exit 0 at end of input, `idle` and
// exit 3 after 400 ms without a line — with stdin a pipe, /dev/null and a regular file.
// deno: skip — the command runs in a Node or Python child whatever runs this suite; once is enough.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES, describe, linesOf, nodeWasi, wasmtimeMissing, wasmtimePython, type Runtime } from "./commands.js";
import { runCommand } from "./wasio-run-helpers.js";

const TICKER = join(EXAMPLES, "ticker.wasm");

/** The tick numbers of `lines`, in order, and the other lines. */
function split(lines: string[]): { ticks: number[]; other: string[] } {
  const ticks: number[] = [];
  const other: string[] = [];
  for (const l of lines) {
    const m = /^tick (\d+)$/.exec(l);
    if (m) ticks.push(+m[1]);
    else other.push(l);
  }
  return { ticks, other };
}

const consecutiveFrom = (first: number, ticks: number[]): boolean => ticks.every((t, i) => t === first + i);

function defineTickerTests(rt: Runtime): void {
  const [cmd, args] = rt.command(TICKER, []);

  test(`${rt.name}: ticker prints "line: TEXT" per input line, "eof" at end of input, and exits 0`, async () => {
    const run = await runCommand(cmd, args, { stdin: "alpha\nbeta\r\n\ngamma" });
    const { ticks, other } = split(linesOf(run));
    assert.equal(other, ["line: alpha", "line: beta", "line: ", "line: gamma", "eof"], describe(run));
    assert.ok(consecutiveFrom(1, ticks), describe(run));
    assert.is(run.code, 0, describe(run));
  });

  test(`${rt.name}: ticker ticks from 1 while stdin is quiet, then prints "idle" and exits 3`, async () => {
    const run = await runCommand(cmd, args, {
      stdin: (line, stdin) => {
        if (line === "idle") stdin.end();
      },
    });
    const { ticks, other } = split(linesOf(run));
    assert.equal(other, ["idle"], describe(run));
    assert.is(linesOf(run).at(-1), "idle", describe(run));
    // Ticks re-arm 50 ms after they fire, so the 8th cannot come before the 400 ms idle deadline.
    assert.ok(ticks.length >= 1 && ticks.length <= 7 && consecutiveFrom(1, ticks), describe(run));
    assert.is(run.code, 3, describe(run));
  });

  test(`${rt.name}: ticker restarts its quiet period at each line: ticks go on numbering and idle comes 400 ms after the line`, async () => {
    let wroteAt = 0;
    let idleAt = 0;
    const run = await runCommand(cmd, args, {
      stdin: (line, stdin) => {
        if (line === "tick 2") {
          wroteAt = performance.now();
          stdin.write("hello\n");
        }
        if (line === "idle") {
          idleAt = performance.now();
          stdin.end();
        }
      },
    });
    const lines = linesOf(run);
    const at = lines.indexOf("line: hello");
    assert.ok(at >= 2, describe(run));
    const before = split(lines.slice(0, at));
    const after = split(lines.slice(at + 1));
    assert.equal(before.other, [], describe(run));
    assert.equal(after.other, ["idle"], describe(run));
    assert.ok(consecutiveFrom(1, [...before.ticks, ...after.ticks]), describe(run));
    assert.ok(after.ticks.length >= 1 && after.ticks.length <= 7, describe(run));
    assert.ok(idleAt - wroteAt >= 395, `idle came ${(idleAt - wroteAt).toFixed(1)} ms after the line was written`);
    assert.is(run.code, 3, describe(run));
  });

  test(`${rt.name}: ticker with stdin from /dev/null prints "eof" and exits 0`, async () => {
    const run = await runCommand(cmd, args, { stdin: "ignore" });
    assert.equal(split(linesOf(run)).other, ["eof"], describe(run));
    assert.is(run.code, 0, describe(run));
  });

  test(`${rt.name}: ticker with stdin from a regular file prints its lines, then "eof", and exits 0`, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "wasio-ticker-")), "input.txt");
    writeFileSync(file, "one\ntwo\n");
    const run = await runCommand(cmd, args, { stdin: { file } });
    assert.equal(split(linesOf(run)).other, ["line: one", "line: two", "eof"], describe(run));
    assert.is(run.code, 0, describe(run));
  });
}

defineTickerTests(nodeWasi);
const missing = wasmtimeMissing();
if (missing === null) defineTickerTests(wasmtimePython);
else {
  test("wasmtime (Python): skipped — the wasmtime package is not importable (python3 -m pip install wasmtime)", () => {
    console.log(`[skip] wasmtime ticker checks not run: ${missing}`);
  });
}

test.run();
