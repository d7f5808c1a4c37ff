// Seeded pseudo-random numbers shared by every workload, so the wasio side and the Node side of a
// benchmark see exactly the same delay sequence (and every round sees the same one too).
//
// mulberry32: 32-bit state, full period 2^32, good enough for spreading timer deadlines.

export const SEED = 0x5eed_2024;

/** Returns a function yielding floats in [0, 1), deterministic for a given seed. */
export function mulberry32(seed = SEED) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` whole-millisecond delays, uniform in [0, max] inclusive, as a Float64Array.
 *
 * Whole milliseconds on purpose: Node keeps one timer list per distinct duration, so integer
 * delays are its best case (101 lists); fractional delays would give it one list per timer.
 */
export function delays(n, max = 100, seed = SEED) {
  const rng = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rng() * (max + 1));
  return out;
}
