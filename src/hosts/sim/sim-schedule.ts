// The simulated network's agenda: things due at a simulated time (a segment arriving, a fault
// firing), a binary min-heap ordered by (time, sequence) so that equal times keep the order they
// were scheduled in. Times are whole nanoseconds.

export interface Due {
  /** When it is due, in simulated ns. */
  at: number;
  /** Scheduling order, the tie-breaker. */
  seq: number;
  /** Called when due. */
  fire(): void;
}

export class SimSchedule {
  private readonly heap: Due[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The time of the earliest entry, or Infinity. */
  next(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0].at;
  }

  /** Adds `d` due at `at`. */
  push(d: Due, at: number): void {
    d.at = at;
    d.seq = this.seq++;
    const h = this.heap;
    let i = h.length;
    h.push(d);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(d, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = d;
  }

  /** Removes and returns the earliest entry due at or before `now`, or null. */
  popDue(now: number): Due | null {
    const h = this.heap;
    if (h.length === 0 || h[0].at > now) return null;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(x: Due, y: Due): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
