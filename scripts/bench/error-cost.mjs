// error-cost: what does it cost to make the error a cancellation throws, per engine?
//
// A micro-benchmark behind the choice in errors.ts: the time per error of several ways of making
// a CancelledError (the library's own class from dist/wasio.js), in the runtime this script runs
// in. Run it under both and compare:
//
//   node scripts/bench/error-cost.mjs
//   npx deno run -A scripts/bench/error-cost.mjs
//
// Figures are nanoseconds per error, median of 7 alternating rounds of 200,000 errors each.

import { loadWasio, median } from "./harness.mjs";

const w = await loadWasio();
if (!w) process.exit(1);
const { CancelledError } = w;
const N = 200_000;
const ROUNDS = 7;
let sink = null;

const ways = {
  "new Error()": () => new Error("x"),
  "new CancelledError()": () => new CancelledError("x"),
  "swap stackTraceLimit to 0 around it": () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new CancelledError("x");
    } finally {
      Error.stackTraceLimit = limit;
    }
  },
  "stackTraceLimit already 0 (no swap)": null, // measured with the limit set once, below
  "the library's own (cancel → error)": null, // measured through a cancelled future, below
};

function time(fn) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) sink = fn();
  return ((performance.now() - t0) * 1e6) / N;
}

function timeLimitZero() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return time(() => new CancelledError("x"));
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function timeLibrary() {
  // Each cancelled Future makes its CancelledError once, when result() first throws it.
  const loop = new w.EventLoop();
  try {
    const futs = new Array(N);
    for (let i = 0; i < N; i++) {
      futs[i] = loop.createFuture();
      futs[i].cancel("x");
    }
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      try {
        futs[i].result();
      } catch (e) {
        sink = e;
      }
    }
    return ((performance.now() - t0) * 1e6) / N;
  } finally {
    loop.close();
  }
}

const samples = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(ways)) {
    const ns = fn ? time(fn) : name.startsWith("stackTraceLimit") ? timeLimitZero() : timeLibrary();
    samples[name].push(ns);
  }
}
const runtime = typeof Deno === "undefined" ? `Node ${process.version}` : `Deno ${Deno.version.deno}`;
console.log(`${runtime}: ns per error, median of ${ROUNDS} rounds of ${N.toLocaleString("en-US")}`);
for (const [name, xs] of Object.entries(samples))
  console.log(`  ${name.padEnd(38)} ${median(xs).toFixed(0).padStart(6)}`);
if (sink === null) console.log("");
