// keepLatest: the most recent object of a kind, kept alive until a newer one replaces it.
//
// Why: V8 specialises optimized code on the hidden classes ("maps") and field types of the
// objects it has seen, and holds those weakly. When every object of a kind dies (a loop closes,
// its connections and sockets are dropped, a full GC runs), code that depended on them is thrown
// away and the next loop runs re-warmed code. Objects that can be built ahead of use are kept as
// twins (loop/shapes.ts); objects that only real use shapes as they are (a stream reader and
// transport of a live connection, a host's socket around Node's own) are kept here instead: the
// latest one of each kind, so one closed connection (and what it points to, its closed loop)
// outlives its loop until the next one is made.
//
// Limits: one object per kind, and all it references, stays alive while no newer one is made.

const latest = new Map<string, unknown>();

/** Keeps `value` as the latest object of `kind`, in place of the one kept before. */
export function keepLatest(kind: string, value: unknown): void {
  latest.set(kind, value);
}

/** @internal The latest object kept for `kind`, or undefined (for tests). */
export function _keptLatest(kind: string): unknown {
  return latest.get(kind);
}
