// Instruction counts with valgrind's callgrind, for the benchmarks whose wall clock is too noisy on
// a shared machine: `instructions(script, args)` runs `node --predictable script ...args` under
// callgrind and resolves with the instructions it executed (--predictable: no concurrent compiler
// or GC threads, so counts repeat to within a few instructions).

import { execFileSync, spawn } from "node:child_process";

/** True when valgrind is installed (else the caller prints how to get it and skips). */
export function haveValgrind() {
  try {
    execFileSync("valgrind", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Instructions executed by `node --predictable [nodeFlags] script ...args` (cwd: `cwd`). */
export function instructions(script, args, { cwd, nodeFlags = [] } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(
      "valgrind",
      [
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        process.execPath,
        "--predictable",
        ...nodeFlags,
        script,
        ...args.map(String),
      ],
      { cwd, stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
    });
    p.on("close", (code) => {
      const m = /Collected : (\d+)/.exec(err);
      if (code !== 0 || !m) reject(new Error(`callgrind run failed (${code}):\n${err.slice(-2000)}`));
      else resolve(Number(m[1]));
    });
  });
}
