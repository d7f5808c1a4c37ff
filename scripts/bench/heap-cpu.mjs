// heap-cpu: heap.mjs's workloads in CPU time of this process, the plain-JS reference heap and one
// or more builds of the core taking turns (JS, core 1, core 2, …, JS, …) in one process.
//
// heap.mjs reports wall time, which swings with whatever else the machine runs; the CPU time the
// process itself used (process.cpuUsage, user + system) does not count time spent waiting for a
// core. Use it to compare a changed core against the build it replaces (copy build/core.wasm
// aside first) and both against the JS reference, under Node and under Deno:
//
//   node --expose-gc scripts/bench/heap-cpu.mjs [ROUNDS] [CORE.wasm…]
//   npx deno run -A --v8-flags=--expose-gc scripts/bench/heap-cpu.mjs [ROUNDS] [CORE.wasm…]
//
// CORE defaults to build/core.wasm. Printed per workload and side: medians of the push and pop
// phases and of the whole workload (ms of CPU), and the whole workload's ratio to the JS heap.

import process from "node:process";
import { fileURLToPath } from "node:url";
import { deadlines, loadCore, referenceSide, wasmSide } from "./heap.mjs";
import { ReferenceHeap } from "./reference-heap.mjs";

const args = typeof globalThis.Deno === "undefined" ? process.argv.slice(2) : globalThis.Deno.args;
const [roundsArg = "7", ...cores] = args;
const rounds = Number(roundsArg);
if (!(rounds >= 1)) throw new Error(`heap-cpu: ROUNDS must be a positive number, got ${roundsArg}`);
const paths = cores.length > 0 ? cores : [fileURLToPath(new URL("../../build/core.wasm", import.meta.url))];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

const sides = [{ name: "JS", run: referenceSide(new ReferenceHeap(), cpuMs) }];
for (const p of paths) sides.push({ name: p, run: wasmSide(loadCore(p), cpuMs) });

const workloads = [
  { name: "heap-1m", ds: deadlines(1_000_000), times: 1 },
  { name: "heap-1m-ties", ds: deadlines(1_000_000, { ties: true }), times: 1 },
  { name: "heap-64k", ds: deadlines(65_536), times: 16 },
  { name: "heap-1k", ds: deadlines(1024), times: 1000 },
];

const runtime =
  typeof globalThis.Deno === "undefined" ? `Node ${process.version}` : `Deno ${globalThis.Deno.version.deno}`;
console.log(`heap-cpu: ${runtime}, ${rounds} alternating rounds, CPU ms (medians)`);
for (const w of workloads) {
  const phases = sides.map(() => ({ push: [], pop: [] }));
  const totals = sides.map(() => []);
  const checks = sides.map(() => null);
  for (let r = 0; r < rounds; r++) {
    for (let s = 0; s < sides.length; s++) {
      globalThis.gc?.();
      const c0 = cpuMs();
      checks[s] = sides[s].run(w.ds, w.times, phases[s]);
      totals[s].push(cpuMs() - c0);
    }
  }
  if (checks.some((c) => c !== checks[0])) throw new Error(`${w.name}: the heaps popped different orders`);
  const js = median(totals[0]);
  console.log(w.name);
  for (let s = 0; s < sides.length; s++) {
    const t = median(totals[s]);
    const p = phases[s];
    console.log(
      `  ${sides[s].name}: push ${median(p.push).toFixed(1)} + pop ${median(p.pop).toFixed(1)}, whole ${t.toFixed(1)} ms, ${(t / js).toFixed(2)}× JS`,
    );
  }
}
