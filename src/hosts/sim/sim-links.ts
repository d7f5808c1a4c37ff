// The links of the simulated network: latency, jitter and bandwidth between two addresses, the
// partitions that cut them, and the transmit queue of each direction (a link sends one segment
// at a time at its bandwidth, so a big write takes time to cross and delays what follows it).
// Settings apply in both directions; a slow host's settings add to every link it is on.

export interface LinkOptions {
  /** One-way delay in ms (default 1). */
  latency?: number;
  /** Arrival times vary by up to this many ms more, drawn from the seed (default 0.2). */
  jitter?: number;
  /** Bytes per ms (1,000 = 1 MB/s); 0 (default) is unlimited. */
  bandwidth?: number;
}

/** The settings of one direction, resolved, with its transmit queue. */
export interface LinkState {
  latencyNs: number;
  jitterNs: number;
  /** Bytes per ns, 0 for unlimited. */
  bytesPerNs: number;
  /** When the link finishes sending what it has been given. */
  txFreeAt: number;
  /** Extra delay for segments sent now (a delay fault), ns. */
  extraNs: number;
}

export const DEFAULT_LINK: Required<LinkOptions> = { latency: 1, jitter: 0.2, bandwidth: 0 };

export function checkLinkOptions(o: LinkOptions, what: string): void {
  if (o === null || typeof o !== "object")
    throw new TypeError(`${what} needs an options object, got ${o === null ? "null" : typeof o}`);
  for (const k of ["latency", "jitter", "bandwidth"] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== "number") throw new TypeError(`${what}: ${k} must be a number, got ${typeof v}`);
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${what}: ${k} must be a finite number >= 0, got ${v}`);
  }
}

export class SimLinks {
  private base: Required<LinkOptions> = { ...DEFAULT_LINK };
  private readonly pairs = new Map<string, LinkOptions>();
  private readonly hosts = new Map<string, LinkOptions>();
  private readonly delays = new Map<string, number>();
  private readonly states = new Map<string, LinkState>();
  private readonly cut = new Set<string>();
  private readonly isolated = new Set<string>();
  /** Bumped whenever a setting changes (a cached LinkState is stale when its version differs). */
  version = 0;

  private changed(): void {
    this.states.clear();
    this.version++;
  }

  /** Sets the default for every link. */
  setDefault(o: LinkOptions): void {
    this.base = { ...this.base, ...o };
    this.changed();
  }

  /** Sets the link between `a` and `b`. */
  set(a: string, b: string, o: LinkOptions): void {
    this.pairs.set(pairKey(a, b), { ...this.pairs.get(pairKey(a, b)), ...o });
    this.changed();
  }

  /** Makes every link of `host` slower: its latency and jitter add, its bandwidth caps. */
  slow(host: string, o: LinkOptions): void {
    this.hosts.set(host, { ...o });
    this.changed();
  }

  /** Adds `ms` of delay to segments sent between `a` and `b` from now on (0 removes it). */
  delay(a: string, b: string, ms: number): void {
    if (ms === 0) this.delays.delete(pairKey(a, b));
    else this.delays.set(pairKey(a, b), ms);
    this.changed();
  }

  /** The state of the direction `from` → `to` (kept until a setting changes). */
  state(from: string, to: string): LinkState {
    const k = `${from}>${to}`;
    let st = this.states.get(k);
    if (st === undefined) {
      const p = this.pairs.get(pairKey(from, to));
      let latency = p?.latency ?? this.base.latency;
      let jitter = p?.jitter ?? this.base.jitter;
      let bandwidth = p?.bandwidth ?? this.base.bandwidth;
      for (const h of from === to ? [from] : [from, to]) {
        const s = this.hosts.get(h);
        if (s === undefined) continue;
        latency += s.latency ?? 0;
        jitter += s.jitter ?? 0;
        if (s.bandwidth !== undefined && s.bandwidth > 0)
          bandwidth = bandwidth > 0 ? Math.min(bandwidth, s.bandwidth) : s.bandwidth;
      }
      st = {
        latencyNs: Math.round(latency * 1e6),
        jitterNs: Math.round(jitter * 1e6),
        bytesPerNs: bandwidth / 1e6,
        txFreeAt: 0,
        extraNs: Math.round((this.delays.get(pairKey(from, to)) ?? 0) * 1e6),
      };
      this.states.set(k, st);
    }
    return st;
  }

  partition(a: string, b: string): void {
    this.cut.add(pairKey(a, b));
  }

  isolate(host: string): void {
    this.isolated.add(host);
  }

  /** Heals the cut between `a` and `b`, every cut of `a` (and its isolation), or every cut. */
  heal(a?: string, b?: string): void {
    if (a === undefined) {
      this.cut.clear();
      this.isolated.clear();
      return;
    }
    if (b !== undefined) {
      this.cut.delete(pairKey(a, b));
      return;
    }
    this.isolated.delete(a);
    for (const k of [...this.cut]) if (k.split("|").includes(a)) this.cut.delete(k);
  }

  /** True while nothing gets through between `a` and `b`. */
  blocked(a: string, b: string): boolean {
    return (
      (this.cut.size > 0 && this.cut.has(pairKey(a, b))) ||
      (this.isolated.size > 0 && a !== b && (this.isolated.has(a) || this.isolated.has(b)))
    );
  }
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
