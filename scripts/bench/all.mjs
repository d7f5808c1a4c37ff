// Runs every benchmark workload, each in a fresh `node --expose-gc` child process (so heaps,
// JIT state and timers of one workload cannot colour the next), prints a summary, and rewrites
// each workload's section of docs/benchmarks.md.
//
//   npm run bench                                    # build, then everything (7 rounds each)
//   node scripts/bench/all.mjs w3-ping-pong w4-lock  # a subset, by file name
//   node scripts/bench/all.mjs --quick               # smoke run: 1/10 sizes, 3 rounds, no docs
//   options: --rounds N, --no-write (keep docs untouched), --write (write even with --quick)
//
// A section is written only when its wasio side ran; figures for Node alone are not recorded.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, parseArgs, writeResults } from "./harness.mjs";

const WORKLOADS = [
  "timer-storm",
  "w1t-sleep-tasks",
  "w2-spawn-gather",
  "w3-ping-pong",
  "w4-lock",
  "w5-cancel",
  "deep-resume",
  "heap", // the core's timer heap (wasm) against the same heap in plain JS: ratio wasm/JS
  "w6-echo", // TCP echo, wasio streams server vs Node net server, one Node load client
  "fd-scaling", // one busy connection beside 10 / 1,000 / 10,000 idle registered fds
  "w7-wasi-echo", // the C echo server under `wasio run` (Node, Deno) vs the same C compiled by gcc
  "sim-echo", // the simulated network: 10 / 100 / 1,000 connections, simulated s per real s
];
const CHILD_TIMEOUT_MS = 15 * 60_000;

const argv = process.argv.slice(2);
const opts = parseArgs(argv);
const write = argv.includes("--write") || (!opts.quick && !argv.includes("--no-write"));
const unknown = opts.names.filter((n) => !WORKLOADS.includes(n));
if (unknown.length) {
  console.error(`unknown workload(s): ${unknown.join(", ")}; known: ${WORKLOADS.join(", ")}`);
  process.exit(2);
}
const names = opts.names.length ? opts.names : WORKLOADS;
const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const passOn = [...(opts.quick ? ["--quick"] : []), ...(opts.rounds ? ["--rounds", String(opts.rounds)] : [])];

/** Runs one workload file in a child node; resolves to its results array, or null on failure. */
function runChild(name, jsonFile) {
  const script = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
  const child = spawn(process.execPath, ["--expose-gc", script, ...passOn, "--json", jsonFile], { stdio: "inherit" });
  const timer = setTimeout(() => {
    console.error(`${name}: no result after ${CHILD_TIMEOUT_MS / 60_000} min, stopping it`);
    child.kill("SIGKILL");
  }, CHILD_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) console.error(`${name}: exited with ${signal ?? `code ${code}`}`);
      try {
        resolve(JSON.parse(readFileSync(jsonFile, "utf8")));
      } catch {
        resolve(null);
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "wasio-bench-"));
const all = [];
let failed = false;
try {
  for (const name of names) {
    console.log(`\n######## ${name}`);
    const results = await runChild(name, join(dir, `${name}.json`));
    if (!results) {
      failed = true;
      continue;
    }
    failed ||= results.some((r) => r.a?.error || r.b?.error);
    all.push(...results);
    const complete = results.every((r) => r.a?.median != null && r.b?.median != null);
    if (write && complete) writeResults(results, command);
    else if (write) console.log(`not writing docs/benchmarks.md section "${name}": the wasio side did not run`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log("\n######## summary (ratio = wasio / Node)");
for (const r of all) {
  const ratio = r.ratio === null ? "—" : r.ratio.toFixed(2);
  console.log(`${r.name.padEnd(24)} ${r.unit.padEnd(15)} wasio ${fmt(r.a?.median).padStart(11)}  Node ${fmt(r.b?.median).padStart(11)}  ratio ${ratio.padStart(5)}  (${r.better} is better)`);
}
process.exit(failed ? 1 : 0);
