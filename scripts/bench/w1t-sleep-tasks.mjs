// w1t-sleep-tasks: 200,000 sleeping tasks, half of them cancelled, and what a live task weighs.
//
// Time: 200,000 tasks each sleep a seeded delay in [0, 100] whole ms; every other one (odd index)
// is cancelled right after all are created; then we wait for all of them. Figure: wall time in ms
// from creating the first task until all are done (about 100 ms is unavoidable).
// Node: async functions awaiting a cancellable setTimeout promise (cancel = clearTimeout + reject
// with a CancelledError, which the function catches). wasio: createTask(sleep(d)), task.cancel(),
// gather(tasks, { returnExceptions: true }).
//
// Memory (separate pass): bytes per live task, measured with all 200,000 tasks created and
// suspended in their sleep (delays shifted by +60 s so none fires before the measurement), as the
// growth of the JS heap plus external memory (which holds wasm linear memory) after forced
// collections; then everything is cancelled. Needs --expose-gc.
//
//   node --expose-gc scripts/bench/w1t-sleep-tasks.mjs [--quick] [--rounds N] [--write]

import { compare, isMain, memoryProbe, runMain } from "./harness.mjs";
import { CancelledError, cancellableSleep, nextTurn } from "./node-baselines.mjs";
import { delays } from "./rng.mjs";

export const N = 200_000;
const PARKED = 60_000; // memory pass: added to every delay so the tasks are still asleep

async function nodeTask(sleep) {
  try {
    await sleep;
  } catch (err) {
    if (!(err instanceof CancelledError)) throw err;
    return err;
  }
}

export async function native({ n = N } = {}) {
  const ds = delays(n);
  const sleeps = new Array(n);
  const tasks = new Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) tasks[i] = nodeTask((sleeps[i] = cancellableSleep(ds[i])));
  for (let i = 1; i < n; i += 2) sleeps[i].cancel();
  await Promise.all(tasks);
  return performance.now() - t0;
}

export function wasio(w, { n = N } = {}) {
  const ds = delays(n);
  return w.run(function* () {
    const t0 = performance.now();
    const tasks = new Array(n);
    for (let i = 0; i < n; i++) tasks[i] = w.createTask(w.sleep(ds[i]));
    for (let i = 1; i < n; i += 2) tasks[i].cancel();
    yield* w.gather(tasks, { returnExceptions: true });
    return performance.now() - t0;
  });
}

/** Bytes per live Node "task" (async function + pending cancellable sleep). */
export async function nativeMemory({ n = N } = {}) {
  const ds = delays(n).map((d) => d + PARKED);
  const sleeps = new Array(n);
  const tasks = new Array(n);
  const probe = memoryProbe();
  for (let i = 0; i < n; i++) tasks[i] = nodeTask((sleeps[i] = cancellableSleep(ds[i])));
  await nextTurn();
  const bytes = probe.bytesPerEntity(n);
  for (const s of sleeps) s.cancel();
  await Promise.all(tasks);
  return bytes.total;
}

/** Bytes per live wasio task, all of them suspended in sleep(). */
export function wasioMemory(w, { n = N } = {}) {
  const ds = delays(n).map((d) => d + PARKED);
  return w.run(function* () {
    const tasks = new Array(n);
    const probe = memoryProbe();
    for (let i = 0; i < n; i++) tasks[i] = w.createTask(w.sleep(ds[i]));
    yield; // one loop pass: every task runs its first step and parks in its sleep
    const bytes = probe.bytesPerEntity(n);
    for (const t of tasks) t.cancel();
    yield* w.gather(tasks, { returnExceptions: true });
    return bytes.total;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const p = { n: quick ? N / 10 : N };
  const count = p.n.toLocaleString("en-US");
  const results = [
    await compare({
      name: "w1t-sleep-tasks",
      metric: `${count} tasks sleeping [0,100] ms, half cancelled; wall time`,
      unit: "ms",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, p) },
      b: { label: "Node", fn: () => native(p) },
    }),
  ];
  if (!globalThis.gc) {
    console.log("\nw1t-sleep-tasks memory skipped: run node with --expose-gc");
    return results;
  }
  results.push(
    await compare({
      name: "w1t-sleep-tasks memory",
      group: "w1t-sleep-tasks",
      metric: `${count} live sleeping tasks; JS heap + external growth per task`,
      unit: "bytes/task",
      rounds: rounds ?? 3,
      a: w && { label: "wasio", fn: () => wasioMemory(w, p) },
      b: { label: "Node", fn: () => nativeMemory(p) },
    }),
  );
  return results;
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
