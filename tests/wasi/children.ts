// Running a WASI child process for the tests in this folder: the child loads build/core.wasm in a
// real WASI runtime (node:wasi, wasmtime) whose poll_oneoff blocks the child's thread, and prints
// one JSON line per step. Every child is bounded by a timeout and killed when it runs over.
//
// Not a suite (no `.test.ts`): the wasi suites import it.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (found upwards from this bundle, which runs from build/tests/wasi/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "wasio") return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const CORE_WASM = join(repoRoot(), "build", "core.wasm");
export const FIXTURES = join(repoRoot(), "tests", "fixtures", "wasi");

/** A JSON line from the child and when (parent's performance.now()) it arrived. */
export interface Line {
  msg: Record<string, any>;
  at: number;
}

export interface ChildRun {
  lines: Line[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs `cmd args`, collecting JSON lines from its stdout. `onLine` may write to the child's
 * stdin (the pipe the child polls). The child is killed after `timeoutMs`.
 */
export function runChild(
  cmd: string,
  args: string[],
  options: {
    timeoutMs?: number;
    stdin?: "pipe" | "ignore" | "closed";
    onLine?: (line: Line, stdin: NodeJS.WritableStream) => void;
  } = {},
): Promise<ChildRun> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    // "ignore" gives the child /dev/null; "closed" a pipe whose writing end is closed at once.
    const child = spawn(cmd, args, { stdio: [options.stdin === "ignore" ? "ignore" : "pipe", "pipe", "pipe"] });
    if (options.stdin === "closed") child.stdin!.end();
    const run: ChildRun = { lines: [], code: null, signal: null, stderr: "", timedOut: false };
    let buffered = "";
    const timer = setTimeout(() => {
      run.timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.stderr!.on("data", (d) => {
      run.stderr += d;
    });
    child.stdout!.on("data", (d) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const text = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (text === "") continue;
        let msg: Record<string, any>;
        try {
          msg = JSON.parse(text);
        } catch {
          msg = { step: "garbage", text };
        }
        const line = { msg, at: performance.now() };
        run.lines.push(line);
        if (child.stdin) options.onLine?.(line, child.stdin);
      }
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

/** The message of the step named `step`, or a thrown error showing what the child did. */
export function step(run: ChildRun, name: string): Record<string, any> {
  const line = run.lines.find((l) => l.msg.step === name);
  if (line === undefined) {
    throw new Error(
      `child printed no "${name}" step (code ${run.code}, signal ${run.signal}, timed out ${run.timedOut})\n` +
        `stdout: ${JSON.stringify(run.lines.map((l) => l.msg))}\nstderr: ${run.stderr}`,
    );
  }
  return line.msg;
}
