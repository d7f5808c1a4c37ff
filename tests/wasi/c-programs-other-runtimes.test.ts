// The same C programs the wasio-run suite runs under `wasio run`, under wasmtime's Python
// embedding and node:wasi (no sockets there, and node:wasi has no preopened host directory
// here): exit status, arguments, environment, nanosleep, poll() over a stdin pipe. They fix what
// "the same behaviour" means for wasio run. Where a runtime differs, the test says how.
// deno: skip — the children are python3 and Node's node:wasi whatever runs this suite; once is enough.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { FIXTURES } from "./children.js";
import { cProgram, runCommand, type RunOptions } from "./wasio-run-helpers.js";

const PYTHON = process.env.WASIO_PYTHON ?? "python3";
const hasWasmtime = spawnSync(PYTHON, ["-c", "import wasmtime"], { timeout: 30_000 }).status === 0;

const runtimes: [string, (wasm: string, args: string[], o?: RunOptions) => ReturnType<typeof runCommand>][] = [
  [
    "node:wasi",
    (wasm, args, o) =>
      runCommand(process.execPath, ["--no-warnings", join(FIXTURES, "run-command-node-wasi.mjs"), wasm, ...args], o),
  ],
];
if (hasWasmtime)
  runtimes.push([
    "wasmtime (Python)",
    (wasm, args, o) => runCommand(PYTHON, [join(FIXTURES, "run_command_wasmtime.py"), wasm, ...args], o),
  ]);
else
  test("wasmtime (Python): skipped — python3 -m pip install wasmtime", () => {
    console.log("[skip] wasmtime not importable");
  });

for (const [name, runIn] of runtimes) {
  test(`${name}: sleep.c — nanosleep, arguments, environment and exit status`, async () => {
    const r = await runIn(cProgram("sleep"), ["30", "6", "x y"], { env: { WASI_ENV_WASIO_GREETING: "hey" } });
    assert.is(r.stdout, "slept\narg: x y\ngreeting: hey\n", r.stderr);
    assert.is(r.code, 6);
  });

  test(`${name}: poll_stdin.c — a line, then end of input`, async () => {
    const r = await runIn(cProgram("poll_stdin"), ["5000"], { stdin: "one line\n" });
    assert.is(r.stdout, "got: one line\neof\n", r.stderr);
    assert.is(r.code, 0);
  });

  test(`${name}: poll_stdin.c — timeouts while the pipe is quiet`, async () => {
    const r = await runIn(cProgram("poll_stdin"), ["20", "3"], { stdin: () => {} });
    assert.is(r.stdout, "timeout\ntimeout\ntimeout\n", r.stderr);
    assert.is(r.code, 3);
  });
}

if (hasWasmtime) {
  test("wasmtime (Python): trap.c exits 134 with the trap on stderr, as wasio run does", async () => {
    const r = await runCommand(PYTHON, [join(FIXTURES, "run_command_wasmtime.py"), cProgram("trap")]);
    assert.is(r.stdout, "before\n");
    assert.is(r.code, 134);
    assert.match(r.stderr, /unreachable/);
  });

  test("wasmtime (Python): poll_stdin.c with stdin from /dev/null sees end of input (node:wasi fails this poll with EPERM)", async () => {
    const r = await runCommand(PYTHON, [join(FIXTURES, "run_command_wasmtime.py"), cProgram("poll_stdin"), "5000"], {
      stdin: "ignore",
    });
    assert.is(r.stdout, "eof\n", r.stderr);
  });
}

test.run();
