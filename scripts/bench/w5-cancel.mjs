// w5-cancel: how fast can sleeping tasks be cancelled?
//
// 100,000 tasks are spawned, each sleeping 10 s, and given one loop turn so all are parked in
// their sleep with a live timer. Then each is cancelled and we wait until all are done. Figure:
// cancels per second, timed from the first cancel until every task has finished (spawning is
// w2's business). Node: async functions awaiting a hand-rolled cancellable sleep (setTimeout;
// cancel = clearTimeout + reject with a CancelledError, caught by the function).
// wasio: createTask(sleep(10_000)), task.cancel(), gather(tasks, { returnExceptions: true }).
//
//   node --expose-gc scripts/bench/w5-cancel.mjs [--quick] [--rounds N] [--write]

import { compare, isMain, runMain } from "./harness.mjs";
import { CancelledError, cancellableSleep, nextTurn } from "./node-baselines.mjs";

export const N = 100_000;
const SLEEP_MS = 10_000;

async function nodeTask(sleep) {
  try {
    await sleep;
  } catch (err) {
    if (!(err instanceof CancelledError)) throw err;
    return err;
  }
  throw new Error("sleep was not cancelled");
}

export async function native({ n = N } = {}) {
  const sleeps = new Array(n);
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) tasks[i] = nodeTask((sleeps[i] = cancellableSleep(SLEEP_MS)));
  await nextTurn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sleeps[i].cancel();
  await Promise.all(tasks);
  return n / ((performance.now() - t0) / 1000);
}

export function wasio(w, { n = N } = {}) {
  return w.run(function* () {
    const tasks = new Array(n);
    for (let i = 0; i < n; i++) tasks[i] = w.createTask(w.sleep(SLEEP_MS));
    yield; // one loop pass: every task starts and parks in its sleep
    const t0 = performance.now();
    for (let i = 0; i < n; i++) tasks[i].cancel();
    yield* w.gather(tasks, { returnExceptions: true });
    const rate = n / ((performance.now() - t0) / 1000);
    if (!tasks.every((t) => t.cancelled())) throw new Error("a task was not cancelled");
    return rate;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const p = { n: quick ? N / 10 : N };
  return [
    await compare({
      name: "w5-cancel",
      metric: `${p.n.toLocaleString("en-US")} tasks sleeping 10 s, each cancelled`,
      unit: "cancels/s",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, p) },
      b: { label: "Node", fn: () => native(p) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
