// deep-resume: what one resumption costs when the suspended coroutine sits `depth` calls deep.
//
// A chain of `depth` nested coroutines (depths 1, 10, 100), each awaiting the next, where the
// innermost suspends 100,000 times. Figure: ns per resume = chain run time / 100,000.
// wasio: `function* f(d) { if (d === 0) { for (…) yield; return } return yield* f(d - 1) }`, the
// innermost giving the loop one pass with a bare `yield`; V8 resumes a `yield*` chain through
// every frame, so this is expected to grow with depth. Node: the same chain of async functions,
// the innermost doing `await null` (an already-resolved await: one microtask, the cheapest
// suspension Node has; only the innermost frame resumes, whatever the depth).
//
//   node --expose-gc scripts/bench/deep-resume.mjs [--quick] [--rounds N] [--write]

import { compare, isMain, runMain } from "./harness.mjs";

export const RESUMES = 100_000;
export const DEPTHS = [1, 10, 100];

async function nodeChain(d, resumes) {
  if (d === 0) {
    for (let k = 0; k < resumes; k++) await null;
    return resumes;
  }
  return await nodeChain(d - 1, resumes);
}

function* chain(d, resumes) {
  if (d === 0) {
    for (let k = 0; k < resumes; k++) yield;
    return resumes;
  }
  return yield* chain(d - 1, resumes);
}

// The same chain through wasio's call(): the task keeps the chain as its own stack and resumes
// only the innermost generator.
function* callChain(w, d, resumes) {
  if (d === 0) {
    for (let k = 0; k < resumes; k++) yield;
    return resumes;
  }
  return yield* w.call(callChain(w, d - 1, resumes));
}

export async function native({ depth = 1, resumes = RESUMES } = {}) {
  const t0 = performance.now();
  const n = await nodeChain(depth - 1, resumes);
  return ((performance.now() - t0) * 1e6) / n;
}

export function wasio(w, { depth = 1, resumes = RESUMES, viaCall = false } = {}) {
  return w.run(function* () {
    const t0 = performance.now();
    const n = viaCall ? yield* callChain(w, depth - 1, resumes) : yield* chain(depth - 1, resumes);
    return ((performance.now() - t0) * 1e6) / n;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const resumes = quick ? RESUMES / 10 : RESUMES;
  const results = [];
  for (const viaCall of [false, true]) {
    if (viaCall && w && typeof w.call !== "function") continue;
    for (const depth of DEPTHS) {
      const p = { depth, resumes, viaCall };
      const how = viaCall ? "yield* call(…)" : "plain yield*";
      results.push(
        await compare({
          name: `deep-resume depth ${depth}, ${how}`,
          group: "deep-resume",
          metric: `${resumes.toLocaleString("en-US")} resumes of a coroutine ${depth} deep (${how})`,
          unit: "ns/resume",
          rounds,
          a: w && { label: "wasio", fn: () => wasio(w, p) },
          b: { label: "Node", fn: () => native(p) },
        }),
      );
    }
  }
  return results;
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
