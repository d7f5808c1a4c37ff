// ab-procs: one workload, two or more builds of the library, each build in processes of its own,
// the builds taking turns (A, B, A, B, …), under Node or Deno.
//
// Why not one process (as cpu-ab.mjs does): the benchmark's own functions are shared by every
// build loaded into the process, so their call sites see each build's classes and turn
// polymorphic; the second build then runs slower code than it would alone (measured: a change
// worth ~13 % alone showed nothing with four builds in one process). Here each child loads one
// build and runs the native side and that build alternately, `ROUNDS` rounds each with a full GC
// before each round; the figure per child is the native median over the build's median, in wall
// time and in the process's CPU time (ratio > 1: the build is ahead of the native side), and the
// report gives the median over the children of each build.
//
//   node scripts/bench/ab-procs.mjs node|deno w3|deep|w2|w4|w5|w1t|storm REPS ROUNDS BUILD.js…
//
// w3: 1,000,000 messages per round (w3-ping-pong.mjs); deep: 1,000,000 resumes 100 calls deep
// through call(); w2, w4, w5, w1t: one run of the workload at its default size per round; storm:
// one timer storm (timer-storm.mjs), whose figure is the time past its last deadline that each
// side returns, not the wall time of the round (the CPU ratio is the rounds' as for the others).

import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const WORKS = {
  w3: ["w3-ping-pong.mjs", { messages: 1_000_000 }],
  deep: ["deep-resume.mjs", { depth: 100, resumes: 1_000_000, viaCall: true }],
  w2: ["w2-spawn-gather.mjs", undefined],
  w4: ["w4-lock.mjs", undefined],
  w5: ["w5-cancel.mjs", undefined],
  w1t: ["w1t-sleep-tasks.mjs", undefined],
  storm: ["timer-storm.mjs", undefined, { returnsFigure: true }],
};
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const args = typeof globalThis.Deno === "undefined" ? process.argv.slice(2) : globalThis.Deno.args;

if (args[0] === "--child") {
  const [, work, rounds, build] = args;
  const [file, p, { returnsFigure = false } = {}] = WORKS[work];
  const mod = await import(new URL(`./${file}`, import.meta.url).href);
  const w = await import(pathToFileURL(build).href);
  const sides = [() => mod.native(p), () => mod.wasio(w, p)];
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const wall = [[], []];
  const cp = [[], []];
  for (let r = 0; r < Number(rounds); r++) {
    for (let s = 0; s < 2; s++) {
      globalThis.gc?.();
      const c0 = cpu();
      const t0 = performance.now();
      const figure = await sides[s]();
      wall[s].push(returnsFigure ? figure : performance.now() - t0);
      cp[s].push(cpu() - c0);
    }
  }
  console.log(JSON.stringify({ wall: median(wall[0]) / median(wall[1]), cpu: median(cp[0]) / median(cp[1]) }));
} else {
  const [engine, work, reps, rounds, ...builds] = args;
  if (!Object.hasOwn(WORKS, work) || builds.length === 0 || (engine !== "node" && engine !== "deno"))
    throw new Error("usage: ab-procs.mjs node|deno w3|deep|w2|w4|w5|w1t|storm REPS ROUNDS BUILD.js…");
  const me = fileURLToPath(import.meta.url);
  const deno = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));
  const runs = builds.map(() => []);
  for (let r = 0; r < Number(reps); r++) {
    for (let b = 0; b < builds.length; b++) {
      const child = [me, "--child", work, rounds, builds[b]];
      const out =
        engine === "node"
          ? spawnSync(process.execPath, ["--expose-gc", ...child], { encoding: "utf8" })
          : spawnSync(deno, ["run", "-A", "--v8-flags=--expose-gc", ...child], { encoding: "utf8" });
      if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
      runs[b].push(JSON.parse(out.stdout.trim().split("\n").pop()));
    }
  }
  console.log(`ab-procs ${engine} ${work}: rate vs the native side (>1: ahead), medians of ${reps} processes`);
  for (let b = 0; b < builds.length; b++) {
    const wall = runs[b].map((x) => x.wall);
    const cpu = runs[b].map((x) => x.cpu);
    const each = wall.map((x) => x.toFixed(2)).join(" ");
    console.log(
      `  ${builds[b].padEnd(28)} wall ${median(wall).toFixed(3)}  cpu ${median(cpu).toFixed(3)}  (wall per process: ${each})`,
    );
  }
}
