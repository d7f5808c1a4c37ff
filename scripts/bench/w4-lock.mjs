// w4-lock: a contended lock handed from task to task.
//
// 1,000 tasks each acquire one lock 100 times (100,000 acquisitions), giving the loop one turn
// while they hold it, so the other 999 are queued on the lock. Figure: acquisitions per second.
// wasio: `yield* lock.acquire(); yield; lock.release();` on a Lock (FIFO, as asyncio's).
// Node: a FIFO hand-off mutex (a queue of promise resolvers) and, as the turn while holding it,
// `await new Promise(r => setImmediate(r))`. Why setImmediate and not `await null`: wasio's bare
// `yield` is one pass of its loop, where timers and I/O get their chance; a microtask yield never
// lets Node's loop turn, so it would measure a cheaper thing than wasio does. setImmediate is the
// one-turn yield of Node (and costs one poll phase per acquisition).
//
//   node --expose-gc scripts/bench/w4-lock.mjs [--quick] [--rounds N] [--write]

import { compare, isMain, runMain } from "./harness.mjs";
import { FifoMutex, nextTurn } from "./node-baselines.mjs";

export const TASKS = 1_000;
export const TIMES = 100;

export async function native({ tasks = TASKS, times = TIMES } = {}) {
  const mutex = new FifoMutex();
  let held = 0;
  const worker = async () => {
    for (let k = 0; k < times; k++) {
      await mutex.acquire();
      held++;
      await nextTurn();
      mutex.release();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: tasks }, worker));
  const seconds = (performance.now() - t0) / 1000;
  if (held !== tasks * times) throw new Error(`only ${held} acquisitions`);
  return held / seconds;
}

export function wasio(w, { tasks = TASKS, times = TIMES } = {}) {
  return w.run(function* () {
    const lock = new w.Lock();
    let held = 0;
    function* worker() {
      for (let k = 0; k < times; k++) {
        yield* lock.acquire();
        held++;
        yield;
        lock.release();
      }
    }
    const t0 = performance.now();
    yield* w.gather(Array.from({ length: tasks }, () => w.createTask(worker())));
    const seconds = (performance.now() - t0) / 1000;
    if (held !== tasks * times) throw new Error(`only ${held} acquisitions`);
    return held / seconds;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const p = { tasks: quick ? TASKS / 10 : TASKS, times: TIMES };
  return [
    await compare({
      name: "w4-lock",
      metric: `${p.tasks.toLocaleString("en-US")} tasks × ${p.times} acquisitions of one lock`,
      unit: "acquisitions/s",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, p) },
      b: { label: "Node", fn: () => native(p) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
