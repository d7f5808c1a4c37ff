// The trace of a simulated run: every event the simulated world decides (a connection, a segment
// sent or arriving, a fault, the order of ready fds a poll reported, a clock jump) is mixed into a
// 32-bit FNV-1a hash as integers, and the last few are kept as text for reports. Two runs of the
// same program with the same seed produce the same hash on any engine; a different hash means the
// runs diverged (a source of nondeterminism outside the simulation, such as Math.random or real
// I/O, leaked in).

/** Event kinds, in the hash as their index. */
export const TRACE_KINDS = [
  "clock", "poll", "connect", "accept", "established", "refused", "send", "arrive", "fin", "reset",
  "close", "listen", "partition", "heal", "drop", "dns", "fault", "mark", "skew", "executor",
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];
const KIND_INDEX: Record<string, number> = Object.fromEntries(TRACE_KINDS.map((k, i) => [k, i]));

export class SimTrace {
  /** The running hash. */
  private h = 0x811c9dc5;
  /** Events recorded so far. */
  count = 0;
  private readonly recent: string[] = [];
  private at = 0;

  /** @param keep how many recent events to keep as text (0: none, the cheapest). */
  constructor(private readonly keep = 64) {}

  /** Records an event at simulated time `ns` with up to three integer details and a label. */
  add(ns: number, kind: TraceKind, a = 0, b = 0, c = 0, label?: string): void {
    let h = this.h;
    h = mix(h, ns % 4294967296);
    h = mix(h, Math.floor(ns / 4294967296));
    h = mix(h, KIND_INDEX[kind]);
    h = mix(h, a);
    h = mix(h, b);
    h = mix(h, c);
    if (label !== undefined) for (let i = 0; i < label.length; i++) h = mix(h, label.charCodeAt(i));
    this.h = h;
    this.count++;
    if (this.keep > 0) {
      const line = `${(ns / 1e6).toFixed(3)}ms ${kind} ${a} ${b} ${c}${label === undefined ? "" : ` ${label}`}`;
      if (this.recent.length < this.keep) this.recent.push(line);
      else { this.recent[this.at] = line; this.at = (this.at + 1) % this.keep; }
    }
  }

  /** The hash of everything recorded, as 8 hex digits. */
  hash(): string {
    return (this.h >>> 0).toString(16).padStart(8, "0");
  }

  /** The last recorded events, oldest first. */
  tail(): string[] {
    return [...this.recent.slice(this.at), ...this.recent.slice(0, this.at)];
  }
}

function mix(h: number, word: number): number {
  h = Math.imul(h ^ (word | 0), 0x01000193);
  return h ^ (h >>> 15);
}
