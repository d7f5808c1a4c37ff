// sim-instructions: sim-echo (sim-echo.mjs) measured in CPU instructions per simulated round trip
// (callgrind), the deterministic figure behind the sim-echo notes in docs/benchmarks.md: wall time
// on a shared machine moves by 2-3x from run to run, the instruction count by well under 1 %.
// Needs valgrind. The figure is the difference of two runs (at 100 connections 0.6 minus 0.2
// simulated s, each after the same warm-up; scaled to about the same round trips at other sizes),
// so start-up and compilation cancel out; the round trips of each run are counted by the child.
//
//   node scripts/bench/sim-instructions.mjs [connections]      # default 100
//   WASIO_BENCH_MODULE=path/to/other/wasio.js node scripts/bench/sim-instructions.mjs

import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const CHILD = "child";
const bench = fileURLToPath(new URL("./sim-echo.mjs", import.meta.url));
const wasio = process.env.WASIO_BENCH_MODULE
  ? pathToFileURL(process.env.WASIO_BENCH_MODULE).href
  : new URL("../../dist/wasio.js", import.meta.url).href;

if (process.argv[2] === CHILD) {
  // The child: warm up, then one measured run; prints its round trips on stderr.
  const { simEcho } = await import(pathToFileURL(bench).href);
  const w = await import(wasio);
  const conns = Number(process.argv[3]);
  const simS = Number(process.argv[4]);
  const warm = 0.3 * Math.max(100 / conns, 0.5);
  simEcho(w, conns, warm);
  simEcho(w, conns, warm);
  const [rate, tripsPerS] = simEcho(w, conns, simS);
  // simEcho reports rates; the run's round trips are rate × real time = tripsPerS / rate × sim s.
  console.error(`TRIPS ${Math.round((tripsPerS / rate) * simS)}`);
} else {
  try {
    execFileSync("valgrind", ["--version"], { stdio: "ignore" });
  } catch {
    console.log("sim-instructions: valgrind not found (apt install valgrind); skipped");
    process.exit(0);
  }
  const conns = Number(process.argv[2] ?? 100);
  const scale = Math.max(100 / conns, 0.5);
  const [a, b] = await Promise.all([measure(conns, 0.2 * scale), measure(conns, 0.6 * scale)]);
  const perTrip = Math.round((b.instructions - a.instructions) / (b.trips - a.trips));
  console.log(`sim-echo ${conns} connections: ${perTrip.toLocaleString("en-US")} instructions per round trip`);
}

function measure(conns, simS) {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const args = ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--predictable"];
    const p = spawn("valgrind", [...args, "--expose-gc", self, CHILD, String(conns), String(simS)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
    });
    p.on("close", (code) => {
      const ins = /Collected : (\d+)/.exec(err);
      const trips = /TRIPS (\d+)/.exec(err);
      if (code !== 0 || !ins || !trips) reject(new Error(`callgrind run failed (${code}):\n${err.slice(-2000)}`));
      else resolve({ instructions: Number(ins[1]), trips: Number(trips[1]) });
    });
  });
}
