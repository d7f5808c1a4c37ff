// Running WASI commands (modules with `_start`, such as build/examples/*.wasm) for the tests in
// this folder, under each blocking runtime this machine has: node:wasi always, wasmtime's Python
// embedding when `python3 -c "import wasmtime"` works (.ci/run installs it).
//
// Not a suite (no `.test.ts`): the wasi suites import it.

import { spawn, spawnSync } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, repoRoot } from "./children.js";

export const EXAMPLES = join(repoRoot(), "build", "examples");

export interface Runtime {
  name: string;
  /** The command line that runs `wasm` with `args` under this runtime. */
  command(wasm: string, args: string[]): [cmd: string, args: string[]];
}

const PYTHON = process.env.WASIO_PYTHON ?? "python3";

export const nodeWasi: Runtime = {
  name: "node:wasi",
  command: (wasm, args) => [process.execPath, ["--no-warnings", join(FIXTURES, "node-wasi-run.mjs"), wasm, ...args]],
};

export const wasmtimePython: Runtime = {
  name: "wasmtime (Python)",
  command: (wasm, args) => [PYTHON, [join(FIXTURES, "wasmtime_run.py"), wasm, ...args]],
};

/** Why wasmtime's Python embedding cannot run here, or null when it can. */
export function wasmtimeMissing(): string | null {
  const probe = spawnSync(PYTHON, ["-c", "import wasmtime"], { encoding: "utf8", timeout: 30_000 });
  if (probe.status === 0) return null;
  return probe.error ? String(probe.error) : (probe.stderr || "").trim().split("\n").at(-1) ?? "unknown";
}

/** A line of the command's stdout and when (performance.now()) it arrived. */
export interface OutLine { text: string; at: number }

export interface CommandRun {
  lines: string[];
  code: number | null;
  stderr: string;
  timedOut: boolean;
}

export interface CommandOptions {
  /** "pipe" (the default: the test writes, see onLine/onStart), or a file to read stdin from. */
  stdin?: "pipe" | string;
  /** Called once the child started; may write to (and end) its stdin. */
  onStart?: (stdin: NodeJS.WritableStream) => void;
  /** Called for each stdout line; may write to (and end) its stdin. */
  onLine?: (line: OutLine, stdin: NodeJS.WritableStream) => void;
  timeoutMs?: number;
}

/** Runs `cmd args`, collecting stdout lines; the child is killed after `timeoutMs`. */
export function runCommand(cmd: string, args: string[], options: CommandOptions = {}): Promise<CommandRun> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const stdinFd = options.stdin !== undefined && options.stdin !== "pipe" ? openSync(options.stdin, "r") : -1;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [stdinFd >= 0 ? stdinFd : "pipe", "pipe", "pipe"] });
    if (stdinFd >= 0) closeSync(stdinFd);
    const run: CommandRun = { lines: [], code: null, stderr: "", timedOut: false };
    let buffered = "";
    const timer = setTimeout(() => { run.timedOut = true; child.kill("SIGKILL"); }, timeoutMs);
    child.on("error", (err) => { clearTimeout(timer); reject(err); });
    child.stdin?.on("error", () => {}); // the command may exit before the test is done writing
    child.stderr.on("data", (d) => { run.stderr += d; });
    child.stdout.on("data", (d) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        run.lines.push(text);
        if (child.stdin) options.onLine?.({ text, at: performance.now() }, child.stdin);
      }
    });
    if (child.stdin) options.onStart?.(child.stdin);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (buffered !== "") run.lines.push(buffered);
      run.code = code;
      resolve(run);
    });
  });
}

/** A readable account of a run, for assertion messages. */
export function describe(run: CommandRun): string {
  return `exit ${run.code}${run.timedOut ? " (timed out)" : ""}; stdout ${JSON.stringify(run.lines)}; stderr ${JSON.stringify(run.stderr)}`;
}
