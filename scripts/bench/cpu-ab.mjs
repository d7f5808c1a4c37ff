// cpu-ab: queue ping-pong (W3), deep resume through call() or the timer storm measured in CPU time
// of this process per message (per resume, per timer), the native side and one or more builds of the library taking turns.
//
// Wall-clock medians swing by 2-3× when the machine is shared with other busy processes; the CPU
// time the process itself used (process.cpuUsage, user + system) moves much less, since time spent
// waiting for a core is not counted. Use it to compare two builds (the second path is an older
// build kept aside) or a build against the native side when the load is high; it is not the
// figure the bars are stated in (the harness's wall-clock rates are).
//
//   node --expose-gc scripts/bench/cpu-ab.mjs w3|deep|storm [ROUNDS] [BUILD.js…]
//   npx deno run -A --v8-flags=--expose-gc scripts/bench/cpu-ab.mjs w3|deep|storm [ROUNDS] [BUILD.js…]
//
// With two or more builds the benchmark's own functions are shared by them and turn polymorphic,
// which can hide a change: ab-procs.mjs runs each build in processes of its own.
// BUILD defaults to dist/wasio.js. W3: rounds of 300,000 messages (w3-ping-pong.mjs's code).
// deep: rounds of 1,000,000 resumes 100 calls deep through call() (deep-resume.mjs's code).
// storm: rounds of timer-storm.mjs's 200,000 timers, half cancelled (its idle wait costs no CPU, so
// this is mostly the scheduling and cancelling the storm's figure is made of).

import process from "node:process";
import { pathToFileURL } from "node:url";
import * as w3 from "./w3-ping-pong.mjs";
import * as deep from "./deep-resume.mjs";
import * as storm from "./timer-storm.mjs";

const args = typeof globalThis.Deno === "undefined" ? process.argv.slice(2) : globalThis.Deno.args;
const [work = "w3", roundsArg = "11", ...builds] = args;
const works = {
  w3: { mod: w3, units: 300_000, p: { messages: 300_000 }, unit: "message" },
  deep: { mod: deep, units: 1_000_000, p: { depth: 100, resumes: 1_000_000, viaCall: true }, unit: "resume" },
  storm: { mod: storm, units: storm.N, p: { n: storm.N }, unit: "timer" },
};
if (!Object.hasOwn(works, work)) throw new Error(`cpu-ab: workload w3, deep or storm, got ${work}`);
const rounds = Number(roundsArg);
const paths =
  builds.length > 0 ? builds.map((p) => pathToFileURL(p).href) : [new URL("../../dist/wasio.js", import.meta.url).href];
const libs = [];
for (const p of paths) libs.push(await import(p));

const { mod, units, p, unit } = works[work];
const sides = [{ name: "native", run: () => mod.native(p) }];
for (let i = 0; i < libs.length; i++) {
  const w = libs[i];
  sides.push({ name: builds[i] ?? "dist/wasio.js", run: () => mod.wasio(w, p) });
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const ns = sides.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let s = 0; s < sides.length; s++) {
    globalThis.gc?.();
    const c0 = cpuMs();
    await sides[s].run();
    ns[s].push(((cpuMs() - c0) * 1e6) / units);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`cpu-ab ${work}: CPU ns per ${unit}, ${rounds} rounds, medians (ratio to native)`);
for (let s = 0; s < sides.length; s++) {
  const m = median(ns[s]);
  console.log(`  ${sides[s].name.padEnd(28)} ${m.toFixed(1).padStart(7)}  (${(m / median(ns[0])).toFixed(2)})`);
}
