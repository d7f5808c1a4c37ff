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

import { fileURLToPath } from "node:url";
import { haveValgrind, instructions as count } from "./callgrind.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const child = fileURLToPath(new URL("./w3-instructions-child.mjs", import.meta.url));
const side = process.argv.includes("--node") ? "node" : "wasio";

if (!haveValgrind()) {
  console.log("w3-instructions: valgrind not found (apt install valgrind); skipped");
  process.exit(0);
}

function instructions(args) {
  return count(child, [side, ...args], { cwd: here, nodeFlags: ["--expose-gc"] });
}

async function perMessage(name, few, many, messages) {
  const [a, b] = await Promise.all([instructions(few), instructions(many)]);
  console.log(`${side} ${name}: ${Math.round((b - a) / messages)} instructions per message`);
}

await perMessage("steady", ["steady", 101_000, 1], ["steady", 201_000, 1], 2 * 100_000);
await perMessage("bench-like", ["rounds", 300_000, 3], ["rounds", 300_000, 5], 2 * 2 * 300_000);
