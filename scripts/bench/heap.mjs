// heap: the core's timer heap (build/core.wasm) against the same heap in plain JavaScript.
//
// A is the wasm core, instantiated with a trivial provider whose clock reads 2^62 ns (so every
// timer is due) and whose poll_oneoff is never called (no fd of interest, nothing to wait for).
// Timers go in and come out the way the event loop moves them: in through the staging area (the
// deadlines written into linear memory, then one `timer_add_staged` call for the whole round, as
// the loop hands over every timer scheduled since its last poll), out through `poll`, at most
// TIMER_BATCH (4,096) per call, their ids read from the ready buffer in linear memory. What one
// `timer_add` call per timer would cost instead is printed after the table (the export call
// path: on Deno it doubles the push phase).
// B is scripts/bench/reference-heap.mjs: the same algorithm (binary heap keyed (deadline,
// sequence) over typed arrays, Floyd's bottom-up pop, lazy cancel, id reuse) written in plain
// JavaScript, popped with `popExpired` into an Int32Array of the same batch size. Both sides get
// the same seeded deadlines and must pop the same ids in the same order (checked).
//
// Workloads (each side keeps one heap for all rounds, as a loop would):
//   heap-1m        push 1,000,000 random deadlines (uniform floats in [0, 1e6) ms), then pop all
//   heap-1m-ties   the same with whole-ms deadlines in [0, 100]: nearly every comparison is a
//                  tie broken by the sequence, as in a storm of callLater(n) with integer delays
//   heap-64k       16 rounds of push 65,536 random deadlines / pop all
//   heap-1k        1,000 rounds of push 1,024 random deadlines / pop all
// Each figure is the time of the whole workload; the note under each row splits it into the
// push and pop phases (medians). The batch size does not dominate: popping 1M timers takes 245
// poll calls; the cost of one poll call on an empty core is printed for comparison.
//
//   node --expose-gc scripts/bench/heap.mjs [--quick] [--rounds N] [--write]

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compare, isMain, median, runMain } from "./harness.mjs";
import { ReferenceHeap } from "./reference-heap.mjs";
import { mulberry32, SEED } from "./rng.mjs";

export const TIMER_BATCH = 4096;
const CORE = fileURLToPath(new URL("../../build/core.wasm", import.meta.url));
const EVERYTHING_DUE_NS = 1n << 62n; // ~146 years of monotonic clock: every deadline below has passed

/** The core's exports (of `path`, build/core.wasm by default), instantiated with a provider whose clock makes every timer due. */
export function loadCore(path = CORE) {
  let memory = null;
  const provider = {
    clock_time_get(_id, _precision, out) {
      new DataView(memory.buffer).setBigUint64(out, EVERYTHING_DUE_NS, true);
      return 0;
    },
    fd_fdstat_get() {
      return 0;
    },
    poll_oneoff() {
      throw new Error("heap bench: poll_oneoff must not be called (nothing to wait for)");
    },
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {
    wasi_snapshot_preview1: provider,
  });
  memory = instance.exports.memory;
  instance.exports._initialize();
  return instance.exports;
}

/** `n` seeded deadlines: uniform floats in [0, 1e6) ms, or whole ms in [0, 100] with `ties`. */
export function deadlines(n, { ties = false, seed = SEED } = {}) {
  const rng = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ties ? Math.floor(rng() * 101) : rng() * 1e6;
  return out;
}

/** The wasm side: push all of `ds`, then pop everything through poll; `rounds` times, phases timed by `clock` (ms). */
export function wasmSide(core, clock = () => performance.now()) {
  let view = new Int32Array(core.memory.buffer);
  return function run(ds, rounds, phases) {
    let check = 0;
    let push = 0,
      pop = 0;
    for (let r = 0; r < rounds; r++) {
      const t0 = clock();
      const at = core.timer_staging(ds.length) >>> 3; // may grow memory: views made after it
      new Float64Array(core.memory.buffer).set(ds, at);
      core.timer_add_staged(ds.length);
      const t1 = clock();
      let n;
      while ((n = core.poll(0)) > 0) {
        if (view.buffer !== core.memory.buffer) view = new Int32Array(core.memory.buffer);
        const base = core.ready_buffer() >>> 2;
        for (let j = 0, at = base + 1; j < n; j++, at += 4) check = (Math.imul(check, 31) + view[at]) | 0;
      }
      if (n < 0) throw new Error(`poll returned ${n}`);
      push += t1 - t0;
      pop += clock() - t1;
    }
    if (core.timer_count() !== 0) throw new Error("wasm heap not empty after popping");
    phases.push.push(push);
    phases.pop.push(pop);
    return check;
  };
}

/** The JavaScript side, shaped like the wasm side. */
export function referenceSide(heap, clock = () => performance.now()) {
  const out = new Int32Array(TIMER_BATCH);
  return function run(ds, rounds, phases) {
    let check = 0;
    let push = 0,
      pop = 0;
    for (let r = 0; r < rounds; r++) {
      const t0 = clock();
      for (let i = 0; i < ds.length; i++) heap.add(ds[i]);
      const t1 = clock();
      let n;
      while ((n = heap.popExpired(Infinity, out, TIMER_BATCH)) > 0) {
        for (let j = 0; j < n; j++) check = (Math.imul(check, 31) + out[j]) | 0;
      }
      push += t1 - t0;
      pop += clock() - t1;
    }
    if (heap.count() !== 0) throw new Error("reference heap not empty after popping");
    phases.push.push(push);
    phases.pop.push(pop);
    return check;
  };
}

/** Nanoseconds per `poll(0)` call on a core with no timer and no fd (the per-batch overhead). */
export function pollOverheadNs(core, calls = 200_000) {
  for (let i = 0; i < 10_000; i++) core.poll(0);
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) core.poll(0);
  return ((performance.now() - t0) / calls) * 1e6;
}

/** Nanoseconds per timer when each one goes in with its own `timer_add` call (then all popped). */
export function addCallNs(core, n = 200_000) {
  const ds = deadlines(n);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) core.timer_add(ds[i]);
    best = Math.min(best, performance.now() - t0);
    while (core.poll(0) > 0);
  }
  return (best / n) * 1e6;
}

const fmtMs = (x) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));

async function workload({ name, metric, ds, rounds: times, roundsOpt, core, heap }) {
  const phases = { a: { push: [], pop: [] }, b: { push: [], pop: [] } };
  const wasm = wasmSide(core);
  const ref = referenceSide(heap);
  const checks = { a: null, b: null };
  const result = await compare({
    name,
    group: "heap",
    metric,
    unit: "ms",
    rounds: roundsOpt,
    a: {
      label: "wasm",
      fn: () => {
        const t = performance.now();
        checks.a = wasm(ds, times, phases.a);
        return performance.now() - t;
      },
    },
    b: {
      label: "JS",
      fn: () => {
        const t = performance.now();
        checks.b = ref(ds, times, phases.b);
        return performance.now() - t;
      },
    },
  });
  if (checks.a !== checks.b)
    throw new Error(`${name}: the two heaps popped different orders (${checks.a} vs ${checks.b})`);
  const split = (p) => `push ${fmtMs(median(p.push))} + pop ${fmtMs(median(p.pop))} ms`;
  const text = `wasm ${split(phases.a)}, JS ${split(phases.b)}; pop ratio ${(median(phases.a.pop) / median(phases.b.pop)).toFixed(2)}, push ratio ${(median(phases.a.push) / median(phases.b.push)).toFixed(2)}`;
  console.log(`   phases: ${text}`);
  result.note = result.note ? `${result.note}; ${text}` : text;
  return result;
}

export async function bench(_w, { quick, rounds } = {}) {
  if (!existsSync(CORE)) throw new Error(`${CORE} not found: build it with \`node scripts/build.mjs\``);
  const scale = quick ? 10 : 1;
  const core = loadCore();
  const heap = new ReferenceHeap();
  const n1m = 1_000_000 / scale;
  const results = [
    await workload({
      name: "heap-1m",
      metric: `push ${n1m.toLocaleString("en-US")} random deadlines, then pop all`,
      ds: deadlines(n1m),
      rounds: 1,
      roundsOpt: rounds,
      core,
      heap,
    }),
    await workload({
      name: "heap-1m-ties",
      metric: `push ${n1m.toLocaleString("en-US")} whole-ms deadlines in [0, 100], then pop all`,
      ds: deadlines(n1m, { ties: true }),
      rounds: 1,
      roundsOpt: rounds,
      core,
      heap,
    }),
    await workload({
      name: "heap-64k",
      metric: `${16 / (quick ? 2 : 1)} rounds of push 65,536 / pop all`,
      ds: deadlines(65_536),
      rounds: 16 / (quick ? 2 : 1),
      roundsOpt: rounds,
      core,
      heap,
    }),
    await workload({
      name: "heap-1k",
      metric: `${(1000 / scale).toLocaleString("en-US")} rounds of push 1,024 / pop all`,
      ds: deadlines(1024),
      rounds: 1000 / scale,
      roundsOpt: rounds,
      core,
      heap,
    }),
  ];
  const overhead = pollOverheadNs(core);
  console.log(
    `timer_add called once per timer instead of staged: ${addCallNs(core).toFixed(0)} ns per timer (push phase above: staged, one call per round)`,
  );
  const calls = Math.ceil(n1m / TIMER_BATCH);
  console.log(
    `\npoll(0) on an empty core: ${overhead.toFixed(0)} ns per call; popping ${n1m.toLocaleString("en-US")} timers takes ${calls} calls ≈ ${((overhead * calls) / 1e6).toFixed(3)} ms of batch overhead`,
  );
  return results;
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
