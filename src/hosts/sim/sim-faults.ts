// Random faults: how often the simulated world misbehaves on its own, drawn from the run's seed so
// that a failing run replays exactly. Each rate is a probability per occasion (a connection
// attempt, a segment, a read or write, a lookup, an executor job); 0 turns a fault off.

export interface FaultOptions {
  /** A connection attempt is refused (ECONNREFUSED). */
  refuse?: number;
  /** A segment's arrival resets its connection (ECONNRESET at both ends). */
  reset?: number;
  /** A segment is delayed by up to `delayMs` more than its link's latency. */
  delay?: number;
  delayMs?: number;
  /** A send or a receive moves fewer bytes than it could (short writes and reads). */
  shortIo?: number;
  /** A segment's link is cut (a partition) for `partitionMs`, then heals. */
  partition?: number;
  partitionMs?: number;
  /** A name lookup fails with EAI_AGAIN. */
  dns?: number;
  /** An executor job throws instead of running. */
  executor?: number;
  /** Each simulated host's wall clock is off by up to ± this many ms. */
  skewMs?: number;
}

/** The mix `faults: true` turns on. */
export const DEFAULT_FAULTS: Required<FaultOptions> = {
  refuse: 0.02,
  reset: 0.002,
  delay: 0.02,
  delayMs: 50,
  shortIo: 0.1,
  partition: 0.001,
  partitionMs: 200,
  dns: 0.02,
  executor: 0.05,
  skewMs: 1000,
};

const NONE: Required<FaultOptions> = {
  refuse: 0,
  reset: 0,
  delay: 0,
  delayMs: 50,
  shortIo: 0,
  partition: 0,
  partitionMs: 200,
  dns: 0,
  executor: 0,
  skewMs: 0,
};

/** Checks `faults` (true: the default mix; false/undefined: none) and fills in what is missing. */
export function checkFaults(faults: FaultOptions | boolean | undefined): Required<FaultOptions> {
  if (faults === undefined || faults === false) return { ...NONE };
  if (faults === true) return { ...DEFAULT_FAULTS };
  if (faults === null || typeof faults !== "object")
    throw new TypeError(`faults must be an object or a boolean, got ${faults === null ? "null" : typeof faults}`);
  const out = { ...NONE };
  for (const [k, v] of Object.entries(faults)) {
    if (!(k in NONE)) throw new RangeError(`unknown fault "${k}" (known: ${Object.keys(NONE).join(", ")})`);
    if (typeof v !== "number") throw new TypeError(`fault ${k} must be a number, got ${typeof v}`);
    const isRate = !k.endsWith("Ms");
    if (!Number.isFinite(v) || v < 0 || (isRate && v > 1)) {
      throw new RangeError(
        `fault ${k} must be ${isRate ? "a probability in [0, 1]" : "a finite number of ms >= 0"}, got ${v}`,
      );
    }
    (out as Record<string, number>)[k] = v;
  }
  return out;
}
