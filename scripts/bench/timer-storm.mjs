// timer-storm: how late does the last of a storm of timers fire?
//
// 200,000 timers are scheduled with seeded delays uniform in [0, 100] whole ms; then every other
// one (odd index) is cancelled, and the rest run until the last has fired. All timers share one
// callback. The figure is the time past the last deadline: wall time from the start of scheduling
// until the last timer fired, minus the largest delay that was not cancelled (so 0 is ideal; it
// includes the cost of scheduling, cancelling and dispatching 100,000 callbacks).
// Node: setTimeout / clearTimeout. wasio: EventLoop.callLater / handle.cancel(), driven by
// runForever(); the last callback stops the loop.
//
//   node --expose-gc scripts/bench/timer-storm.mjs [--quick] [--rounds N] [--write]

import { compare, isMain, runMain } from "./harness.mjs";
import { delays } from "./rng.mjs";

export const N = 200_000;

function lastLiveDelay(ds) {
  let max = 0;
  for (let i = 0; i < ds.length; i += 2) max = Math.max(max, ds[i]);
  return max;
}

export function native({ n = N } = {}) {
  const ds = delays(n);
  const handles = new Array(n);
  return new Promise((resolve) => {
    let remaining = Math.ceil(n / 2);
    const t0 = performance.now();
    const fired = () => {
      if (--remaining === 0) resolve(performance.now() - t0 - lastLiveDelay(ds));
    };
    for (let i = 0; i < n; i++) handles[i] = setTimeout(fired, ds[i]);
    for (let i = 1; i < n; i += 2) clearTimeout(handles[i]);
  });
}

export async function wasio(w, { n = N } = {}) {
  const ds = delays(n);
  const handles = new Array(n);
  const loop = new w.EventLoop();
  let remaining = Math.ceil(n / 2);
  let result = NaN;
  const t0 = performance.now();
  const fired = () => {
    if (--remaining === 0) {
      result = performance.now() - t0 - lastLiveDelay(ds);
      loop.stop();
    }
  };
  for (let i = 0; i < n; i++) handles[i] = loop.callLater(ds[i], fired);
  for (let i = 1; i < n; i += 2) handles[i].cancel();
  try {
    await loop.runForever();
  } finally {
    loop.close();
  }
  if (remaining !== 0) throw new Error(`${remaining} timers did not fire`);
  return result;
}

export async function bench(w, { quick, rounds } = {}) {
  const p = { n: quick ? N / 10 : N };
  return [
    await compare({
      name: "timer-storm",
      metric: `${p.n.toLocaleString("en-US")} timers in [0,100] ms, half cancelled; time past the last deadline`,
      unit: "ms",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, p) },
      b: { label: "Node", fn: () => native(p) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
