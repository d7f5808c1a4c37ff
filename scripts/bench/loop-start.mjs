// loop-start: what starting and ending an event loop costs, for programs and test suites that
// make many (a `run()` per request, per test, per command).
//
// Figures, per loop: `new EventLoop()` then `close()` (µs), and `run()` of a main that awaits one
// `sleep(0)` (µs, the loop's host included). Each build runs in processes of its own, the builds
// taking turns (A, B, A, B, …), as in ab-procs.mjs; the report gives, per build, the median over the
// processes of each process's median round.
//
//   node scripts/bench/loop-start.mjs [--deno] [--reps N] [--rounds N] BUILD.js…
//   (no build: dist/wasio.js)

import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./harness.mjs";

const MAKES = 3000; // new EventLoop() + close() per round
const RUNS = 300; // run() per round
const args = typeof globalThis.Deno === "undefined" ? process.argv.slice(2) : globalThis.Deno.args;

async function child(build, rounds) {
  const w = await import(pathToFileURL(build).href);
  const main = function* () {
    yield* w.sleep(0);
  };
  const make = [],
    run = [];
  for (let r = 0; r < rounds + 1; r++) {
    const t0 = performance.now();
    for (let i = 0; i < MAKES; i++) new w.EventLoop().close();
    const t1 = performance.now();
    for (let i = 0; i < RUNS; i++) await w.run(main);
    const t2 = performance.now();
    if (r === 0) continue; // warm-up
    make.push(((t1 - t0) / MAKES) * 1000);
    run.push(((t2 - t1) / RUNS) * 1000);
  }
  console.log(JSON.stringify({ make: median(make), run: median(run) }));
}

if (args[0] === "--child") {
  await child(args[1], Number(args[2]));
} else {
  let deno = false,
    reps = 5,
    rounds = 5;
  const builds = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--deno") deno = true;
    else if (args[i] === "--reps") reps = Number(args[++i]);
    else if (args[i] === "--rounds") rounds = Number(args[++i]);
    else builds.push(args[i]);
  }
  if (builds.length === 0) builds.push(fileURLToPath(new URL("../../dist/wasio.js", import.meta.url)));
  const me = fileURLToPath(import.meta.url);
  const denoBin = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));
  const results = builds.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (let b = 0; b < builds.length; b++) {
      const argv = [me, "--child", builds[b], String(rounds)];
      const out = deno
        ? spawnSync(denoBin, ["run", "-A", ...argv], { encoding: "utf8" })
        : spawnSync(process.execPath, argv, { encoding: "utf8" });
      if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
      results[b].push(JSON.parse(out.stdout.trim().split("\n").pop()));
    }
  }
  console.log(`loop-start on ${deno ? "Deno" : "Node"}: µs per loop, medians of ${reps} processes × ${rounds} rounds`);
  for (let b = 0; b < builds.length; b++) {
    const make = median(results[b].map((x) => x.make));
    const run = median(results[b].map((x) => x.run));
    console.log(
      `  ${builds[b]}\n    new EventLoop() + close(): ${make.toFixed(1)} µs   run(sleep(0)): ${run.toFixed(1)} µs`,
    );
  }
}
