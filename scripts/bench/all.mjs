// Runs every benchmark workload, each in a fresh `node --expose-gc` child process (so heaps,
// JIT state and timers of one workload cannot colour the next), then again in a fresh Deno
// process (the project's own `deno`, wasio against the same idiomatic script run by Deno), prints
// a summary, and rewrites each workload's section of docs/benchmarks.md with both runtimes.
//
//   npm run bench                                    # build, then everything (7 rounds each)
//   node scripts/bench/all.mjs w3-ping-pong w4-lock  # a subset, by file name
//   node scripts/bench/all.mjs --quick               # smoke run: 1/10 sizes, 3 rounds, no docs
//   options: --rounds N, --no-write (keep docs untouched), --write (write even with --quick),
//            --no-deno (Node alone)
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
  "protocol-echo", // TCP echo through loop.createServer protocols vs Node net, W6's load client
  "subprocess", // spawn + read a line + wait, 200 children 8 at a time, vs child_process
  "udp-echo", // 50,000 datagrams through an echo endpoint, window 32, vs node:dgram
  "tls-echo", // 20 TLS connections × 500 round trips of 256 B, vs node:tls
  "stream-bulk", // 256 MB one way through streams over TCP, vs Node net with backpressure
  "w7-wasi-echo", // the C echo server under `wasio run` (Node, Deno) vs the same C compiled by gcc
  "sim-echo", // the simulated network: 10 / 100 / 1,000 connections, simulated s per real s
];
// Workloads that are not run a second time under Deno: w7 runs its guest under Deno itself.
const NODE_ONLY = new Set(["w7-wasi-echo"]);
const CHILD_TIMEOUT_MS = 15 * 60_000;
const DENO = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));

const argv = process.argv.slice(2);
const withDeno = !argv.includes("--no-deno");
const opts = parseArgs(argv.filter((a) => a !== "--no-deno"));
const write = argv.includes("--write") || (!opts.quick && !argv.includes("--no-write"));
const unknown = opts.names.filter((n) => !WORKLOADS.includes(n));
if (unknown.length) {
  console.error(`unknown workload(s): ${unknown.join(", ")}; known: ${WORKLOADS.join(", ")}`);
  process.exit(2);
}
const names = opts.names.length ? opts.names : WORKLOADS;
const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const passOn = [...(opts.quick ? ["--quick"] : []), ...(opts.rounds ? ["--rounds", String(opts.rounds)] : [])];

/** Runs one workload file in a child node or deno; resolves to its results array, or null on failure. */
function runChild(name, jsonFile, runtime) {
  const script = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
  const [bin, ...flags] =
    runtime === "Deno" ? [DENO, "run", "-A", "--v8-flags=--expose-gc"] : [process.execPath, "--expose-gc"];
  const child = spawn(bin, [...flags, script, ...passOn, "--json", jsonFile], { stdio: "inherit" });
  const timer = setTimeout(() => {
    console.error(`${name} (${runtime}): no result after ${CHILD_TIMEOUT_MS / 60_000} min, stopping it`);
    child.kill("SIGKILL");
  }, CHILD_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) console.error(`${name} (${runtime}): exited with ${signal ?? `code ${code}`}`);
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
    const runtimes = withDeno && !NODE_ONLY.has(name) ? ["Node", "Deno"] : ["Node"];
    const byRuntime = [];
    for (const runtime of runtimes) {
      console.log(`\n######## ${name} on ${runtime}`);
      const results = await runChild(name, join(dir, `${name}-${runtime}.json`), runtime);
      if (!results) {
        failed = true;
        continue;
      }
      failed ||= results.some((r) => r.a?.error || r.b?.error);
      all.push(...results);
      byRuntime.push(results);
    }
    const results = byRuntime.flat();
    const complete =
      byRuntime.length > 0 &&
      byRuntime[0][0]?.runtime === "Node" &&
      byRuntime[0].every((r) => r.a?.median != null && r.b?.median != null);
    if (write && complete) writeResults(results, command);
    else if (write) console.log(`not writing docs/benchmarks.md section "${name}": the wasio side did not run`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log("\n######## summary (ratio = wasio / the idiomatic script, both run by the same runtime)");
for (const r of all) {
  const ratio = r.ratio === null ? "—" : r.ratio.toFixed(2);
  console.log(
    `${r.name.padEnd(24)} ${r.runtime.padEnd(4)} ${r.unit.padEnd(15)} wasio ${fmt(r.a?.median).padStart(11)}  idiom ${fmt(r.b?.median).padStart(11)}  ratio ${ratio.padStart(5)}  (${r.better} is better)`,
  );
}
process.exit(failed ? 1 : 0);
