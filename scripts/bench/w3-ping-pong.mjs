// w3-ping-pong: message passing between two tasks through two unbounded queues.
//
// Task A puts a message on q1 and gets the reply from q2; task B gets from q1 and puts on q2.
// 1,000,000 messages cross in total (500,000 round trips); every message means a switch to the
// other task. Figure: messages (= task switches) per second, from starting both tasks until both
// have finished. Node: two small promise queues (get returns a promise that the next put
// resolves) and two async functions. wasio: two `new Queue()`, `yield* q.put(x)`, `yield* q.get()`.
//
//   node --expose-gc scripts/bench/w3-ping-pong.mjs [--quick] [--rounds N] [--write]

import { compare, isMain, runMain } from "./harness.mjs";
import { PromiseQueue } from "./node-baselines.mjs";

export const MESSAGES = 1_000_000;

function check(sum, trips) {
  if (sum !== (trips * (trips - 1)) / 2) throw new Error(`ping-pong lost messages (sum ${sum})`);
}

export async function native({ messages = MESSAGES } = {}) {
  const trips = messages / 2;
  const q1 = new PromiseQueue();
  const q2 = new PromiseQueue();
  let sum = 0;
  const t0 = performance.now();
  const a = (async () => {
    for (let i = 0; i < trips; i++) {
      q1.put(i);
      sum += await q2.get();
    }
  })();
  const b = (async () => {
    for (let i = 0; i < trips; i++) q2.put(await q1.get());
  })();
  await Promise.all([a, b]);
  const seconds = (performance.now() - t0) / 1000;
  check(sum, trips);
  return messages / seconds;
}

export function wasio(w, { messages = MESSAGES } = {}) {
  const trips = messages / 2;
  return w.run(function* () {
    const q1 = new w.Queue();
    const q2 = new w.Queue();
    let sum = 0;
    const t0 = performance.now();
    const a = w.createTask(
      (function* () {
        for (let i = 0; i < trips; i++) {
          yield* q1.put(i);
          sum += yield* q2.get();
        }
      })(),
    );
    const b = w.createTask(
      (function* () {
        for (let i = 0; i < trips; i++) yield* q2.put(yield* q1.get());
      })(),
    );
    yield* w.gather([a, b]);
    const seconds = (performance.now() - t0) / 1000;
    check(sum, trips);
    return messages / seconds;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const p = { messages: quick ? MESSAGES / 10 : MESSAGES };
  return [
    await compare({
      name: "w3-ping-pong",
      metric: `${p.messages.toLocaleString("en-US")} messages between two tasks over two queues`,
      unit: "messages/s",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, p) },
      b: { label: "Node", fn: () => native(p) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
