// Running the real `wasio` bin on real .wasm files for the wasio-run suites: under the runtime
// that runs the suite (Node: `node bin/wasio.mjs`, Deno: `deno run -A bin/wasio.mjs`), with a
// timeout that kills a child that hangs. The C programs are compiled on first use by
// scripts/wasi/build-c.sh (clang + wasi-libc, installed by .ci/run).
//
// Not a suite (no `.test.ts`).

import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./children.js";

export const ROOT = repoRoot();
export const BIN = join(ROOT, "bin", "wasio.mjs");
export const C_DIR = join(ROOT, "build", "c");
export const IS_DENO = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

let built = false;
/** Compiles the C programs (once per process); returns the path of `name`.wasm. */
export function cProgram(name: string): string {
  if (!built) {
    execFileSync("bash", [join(ROOT, "scripts", "wasi", "build-c.sh")], { stdio: "inherit" });
    built = true;
  }
  return join(C_DIR, `${name}.wasm`);
}

/** The command line that runs the bin under this suite's runtime. */
export function wasioCommand(args: string[]): [string, string[]] {
  if (IS_DENO) return [(globalThis as any).Deno.execPath(), ["run", "-A", "--quiet", BIN, ...args]];
  return [process.execPath, [BIN, ...args]];
}

export interface Run {
  code: number | null;
  /** The signal that ended the child, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs `wasio ARGS`. `stdin`: "ignore" (/dev/null), a string written then closed, or a function
 * given each stdout line and the child's stdin to drive it.
 */
export function wasio(args: string[], options: RunOptions = {}): Promise<Run> {
  const [cmd, argv] = wasioCommand(args);
  return runCommand(cmd, argv, options);
}

export interface RunOptions {
  stdin?: "ignore" | { file: string } | string | ((line: string, stdin: NodeJS.WritableStream) => void);
  timeoutMs?: number;
  onStdout?: (line: string) => void;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Sends `signal` to the child when it prints the line `line` (the first time). */
  signalOn?: { line: string; signal: NodeJS.Signals };
}

/** Runs any command the way `wasio` runs the bin (same options, same result). */
export function runCommand(cmd: string, argv: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const input = options.stdin;
    const fileFd = typeof input === "object" ? openSync(input.file, "r") : -1;
    const child = spawn(cmd, argv, {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: [input === "ignore" ? "ignore" : fileFd >= 0 ? fileFd : "pipe", "pipe", "pipe"],
    });
    if (fileFd >= 0) closeSync(fileFd);
    const run: Run = { code: null, signal: null, stdout: "", stderr: "", timedOut: false };
    const timer = setTimeout(() => {
      run.timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 30_000);
    let partial = "",
      signalled = false;
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.stderr!.on("data", (d) => {
      run.stderr += d;
    });
    child.stdout!.on("data", (d) => {
      run.stdout += d;
      partial += d;
      let nl: number;
      while ((nl = partial.indexOf("\n")) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        options.onStdout?.(line);
        if (options.signalOn?.line === line && !signalled) {
          signalled = true;
          child.kill(options.signalOn.signal);
        }
        if (typeof options.stdin === "function") options.stdin(line, child.stdin!);
      }
    });
    if (typeof input === "string" && input !== "ignore") child.stdin!.end(input);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Connects `clients` clients to 127.0.0.1:`port` at once; each sends `rounds` messages of `size`
 * bytes (distinct contents per client), waiting for each echo, and checks every byte. Resolves
 * with the number of clients whose every echo matched.
 */
export async function echoClients(port: number, clients: number, rounds: number, size: number): Promise<number> {
  const { connect } = await import("node:net");
  const one = (id: number): Promise<boolean> =>
    new Promise((resolve) => {
      const s = connect(port, "127.0.0.1");
      const msg = new Uint8Array(size).map((_, i) => (id * 31 + i) & 255);
      let got: number[] = [],
        left = rounds,
        ok = true;
      s.on("connect", () => s.write(msg));
      s.on("data", (d: Uint8Array) => {
        for (const b of d) got.push(b);
        while (got.length >= size) {
          for (let i = 0; i < size; i++) if (got[i] !== msg[i]) ok = false;
          got = got.slice(size);
          if (--left === 0) {
            s.end();
            return;
          }
          s.write(msg);
        }
      });
      s.on("close", () => resolve(ok && left === 0));
      s.on("error", () => resolve(false));
    });
  const results = await Promise.all(Array.from({ length: clients }, (_, i) => one(i)));
  return results.filter(Boolean).length;
}
