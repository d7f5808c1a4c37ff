// w3-instructions: queue ping-pong (w3-ping-pong.mjs, "W3" in docs/benchmarks.md) measured in CPU
// instructions per message (callgrind), the deterministic figure behind the W3 notes there (wall time on a noisy machine
// is not). Needs valgrind. Each figure is the difference of two runs (more messages minus fewer),
// so start-up and compilation cancel out.
//
//   node scripts/bench/w3-instructions.mjs            # wasio, steady state and bench-like
//   node scripts/bench/w3-instructions.mjs --node     # the same for the Node side
//
// steady: one loop, 101,000 vs 201,000 round trips, no forced GC.
// bench-like: as `npm run bench` runs it: rounds of 300,000 round trips with fresh generator
//   closures and a full GC before each; 5 rounds minus 3 rounds.
// Children run with `node --predictable` (no concurrent compiler or GC threads), so the counts
// repeat to within a few instructions.

import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const child = fileURLToPath(new URL("./w3-instructions-child.mjs", import.meta.url));
const side = process.argv.includes("--node") ? "node" : "wasio";

try {
  execFileSync("valgrind", ["--version"], { stdio: "ignore" });
} catch {
  console.log("w3-instructions: valgrind not found (apt install valgrind); skipped");
  process.exit(0);
}

function instructions(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(
      "valgrind",
      [
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        process.execPath,
        "--predictable",
        "--expose-gc",
        child,
        side,
        ...args.map(String),
      ],
      { cwd: here, stdio: ["ignore", "ignore", "pipe"] },
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

async function perMessage(name, few, many, messages) {
  const [a, b] = await Promise.all([instructions(few), instructions(many)]);
  console.log(`${side} ${name}: ${Math.round((b - a) / messages)} instructions per message`);
}

await perMessage("steady", ["steady", 101_000, 1], ["steady", 201_000, 1], 2 * 100_000);
await perMessage("bench-like", ["rounds", 300_000, 3], ["rounds", 300_000, 5], 2 * 2 * 300_000);
