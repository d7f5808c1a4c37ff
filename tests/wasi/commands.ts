// The blocking runtimes the example commands (build/examples/*.wasm) and other WASI commands run
// under in this folder's suites: node:wasi always, wasmtime's Python embedding when
// `python3 -c "import wasmtime"` works (.ci/run installs it). Processes are run with
// wasio-run-helpers.ts's runCommand.
//
// Not a suite (no `.test.ts`): the wasi suites import it.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { FIXTURES, repoRoot } from "./children.js";
import type { Run } from "./wasio-run-helpers.js";

export const EXAMPLES = join(repoRoot(), "build", "examples");

export interface Runtime {
  name: string;
  /** The command line that runs `wasm` with `args` under this runtime. */
  command(wasm: string, args: string[]): [cmd: string, args: string[]];
}

const PYTHON = process.env.WASIO_PYTHON ?? "python3";

export const nodeWasi: Runtime = {
  name: "node:wasi",
  command: (wasm, args) => [
    process.execPath,
    ["--no-warnings", join(FIXTURES, "run-command-node-wasi.mjs"), wasm, ...args],
  ],
};

export const wasmtimePython: Runtime = {
  name: "wasmtime (Python)",
  command: (wasm, args) => [PYTHON, [join(FIXTURES, "run_command_wasmtime.py"), wasm, ...args]],
};

/** Why wasmtime's Python embedding cannot run here, or null when it can. */
export function wasmtimeMissing(): string | null {
  const probe = spawnSync(PYTHON, ["-c", "import wasmtime"], { encoding: "utf8", timeout: 30_000 });
  if (probe.status === 0) return null;
  return probe.error ? String(probe.error) : ((probe.stderr || "").trim().split("\n").at(-1) ?? "unknown");
}

/** The stdout lines of a run (without the empty string after the last newline). */
export function linesOf(run: Run): string[] {
  const lines = run.stdout.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** A readable account of a run, for assertion messages. */
export function describe(run: Run): string {
  return `exit ${run.code}${run.timedOut ? " (timed out)" : ""}; stdout ${JSON.stringify(run.stdout)}; stderr ${JSON.stringify(run.stderr)}`;
}
