// The trace of a simulated run: every event the simulated world decides (a connection, a segment
// sent or arriving, a fault, the order of ready fds a poll reported, a clock jump) is mixed into a
// 32-bit FNV-1a hash as integers, and the last few are kept as text for reports. Two runs of the
// same program with the same seed produce the same hash on any engine; a different hash means the
// runs diverged (a source of nondeterminism outside the simulation, such as Math.random or real
// I/O, leaked in).

/**
 * Event kinds, in the hash as these numbers: callers write `Ev.send` (a property of a constant
 * object literal, which compiled code reads directly; looking a kind up by name per event cost
 * ~80 ns).
 */
export const Ev = {
  clock: 0,
  poll: 1,
  connect: 2,
  accept: 3,
  established: 4,
  refused: 5,
  send: 6,
  arrive: 7,
  fin: 8,
  reset: 9,
  close: 10,
  listen: 11,
  partition: 12,
  heal: 13,
  drop: 14,
  dns: 15,
  fault: 16,
  mark: 17,
  skew: 18,
  executor: 19,
} as const;
export type TraceKind = keyof typeof Ev;
/** The kinds' names by number (for the trace's text). */
export const TRACE_KINDS = Object.keys(Ev) as TraceKind[];

export class SimTrace {
  /** The running hash. */
  private h = 0x811c9dc5;
  /** Events recorded so far. */
  count = 0;
  // The last `keep` events, as numbers in a ring (formatted only when asked for): time, kind and
  // details at slot * 5, labels beside.
  private readonly nums: Float64Array;
  private readonly labels: (string | undefined)[];

  /** @param keep how many recent events to keep (0: none, the cheapest). */
  constructor(private readonly keep = 64) {
    this.nums = new Float64Array(keep * 5);
    this.labels = new Array<string | undefined>(keep);
  }

  /** Records an event of kind `k` (an `Ev` value) at simulated time `ns` with up to three integer details and a label. */
  add(ns: number, k: number, a = 0, b = 0, c = 0, label?: string): void {
    let h = this.h;
    h = mix(h, ns % 4294967296);
    h = mix(h, Math.floor(ns / 4294967296));
    h = mix(h, k);
    h = mix(h, a);
    h = mix(h, b);
    h = mix(h, c);
    if (label !== undefined) for (let i = 0; i < label.length; i++) h = mix(h, label.charCodeAt(i));
    this.h = h;
    if (this.keep > 0) {
      const slot = this.count % this.keep;
      const at = slot * 5;
      const nums = this.nums;
      nums[at] = ns;
      nums[at + 1] = k;
      nums[at + 2] = a;
      nums[at + 3] = b;
      nums[at + 4] = c;
      this.labels[slot] = label;
    }
    this.count++;
  }

  /** The hash of everything recorded, as 8 hex digits. */
  hash(): string {
    return (this.h >>> 0).toString(16).padStart(8, "0");
  }

  /** The last recorded events as text, oldest first ("12.500ms send 3 3 64"). */
  tail(): string[] {
    const n = Math.min(this.count, this.keep);
    const out: string[] = [];
    for (let i = this.count - n; i < this.count; i++) {
      const slot = i % this.keep;
      const at = slot * 5;
      const v = this.nums;
      const label = this.labels[slot];
      out.push(
        `${(v[at] / 1e6).toFixed(3)}ms ${TRACE_KINDS[v[at + 1]]} ${v[at + 2]} ${v[at + 3]} ${v[at + 4]}${label === undefined ? "" : ` ${label}`}`,
      );
    }
    return out;
  }
}

function mix(h: number, word: number): number {
  h = Math.imul(h ^ (word | 0), 0x01000193);
  return h ^ (h >>> 15);
}
