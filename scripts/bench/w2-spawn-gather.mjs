// w2-spawn-gather: how fast can tasks be spawned, run and collected?
//
// 100,000 tasks each give the loop one turn and return their index; one gather waits for all.
// Figure: tasks per second, from spawning the first task until the gathered results are back
// (results are checked). Node: Promise.all over async functions that await one setImmediate
// promise (one macrotask turn, as a bare `yield` is one loop pass). wasio: createTask of
// `function* (i) { yield; return i; }` for each index, then `yield* gather(tasks)`.
//
//   node --expose-gc scripts/bench/w2-spawn-gather.mjs [--quick] [--rounds N] [--write]

import { compare, isMain, runMain } from "./harness.mjs";
import { nextTurn } from "./node-baselines.mjs";

export const N = 100_000;

function check(results, n) {
  if (results.length !== n || results[n - 1] !== n - 1) throw new Error("gather returned wrong results");
}

async function nodeChild(i) {
  await nextTurn();
  return i;
}

export async function native({ n = N } = {}) {
  const t0 = performance.now();
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) tasks[i] = nodeChild(i);
  const results = await Promise.all(tasks);
  const seconds = (performance.now() - t0) / 1000;
  check(results, n);
  return n / seconds;
}

function* child(i) {
  yield;
  return i;
}

export function wasio(w, { n = N } = {}) {
  return w.run(function* () {
    const t0 = performance.now();
    const tasks = new Array(n);
    for (let i = 0; i < n; i++) tasks[i] = w.createTask(child(i));
    const results = yield* w.gather(tasks);
    const seconds = (performance.now() - t0) / 1000;
    check(results, n);
    return n / seconds;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const p = { n: quick ? N / 10 : N };
  return [
    await compare({
      name: "w2-spawn-gather",
      metric: `${p.n.toLocaleString("en-US")} tasks yielding once, gathered`,
      unit: "tasks/s",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, p) },
      b: { label: "Node", fn: () => native(p) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
