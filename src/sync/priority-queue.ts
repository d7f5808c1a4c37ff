// PriorityQueue: a Queue that hands out its smallest item first (asyncio.PriorityQueue).
//
// Owns only the order: a binary min-heap (O(log n) put and get) under a comparator. The default
// order is `<` on numbers, bigints and strings, and on arrays element by element (element 0
// first, as Python compares tuples: `[priority, data]` entries order by priority; elements that
// cannot be compared, such as objects, count as equal); items of other kinds, or of a kind that
// cannot be compared with those already queued (a string among numbers, an array among scalars),
// throw a TypeError when put. Items that compare equal come out in the order they were put (the heap breaks ties by an
// insertion counter), which asyncio does not promise but never contradicts. Waiting,
// cancellation, join and shutdown are Queue's (see queue.ts).
//
// Limits: the comparator must be a consistent order; it runs inside put and get, and an error it
// throws propagates from there, leaving the queue as it was (a failed put inserts nothing, a
// failed get removes nothing).

import { checkCallback, describe } from "../checks.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { checkCount } from "./checks.js";
import { Queue } from "./queue.js";
import { addShapeMaker } from "../loop/shapes.js";

export interface PriorityQueueOptions<T> {
  /** How many items the queue holds before `put` waits (default 0: unbounded). */
  maxsize?: number;
  /** Negative when `a` comes out before `b`, positive when after, 0 when equal (default: see file). */
  compare?: (a: T, b: T) => number;
}

/**
 * A Queue whose `get` returns the smallest item: `new PriorityQueue<T>(maxsize)` or
 * `new PriorityQueue<T>({ maxsize?, compare? })`. Default order: `<` on numbers, bigints and
 * strings, and on arrays element by element (so `[priority, data]` entries go by priority). Equal
 * items come out in the order they were put. Same API as Queue.
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /** @internal The heap: _heap[0] is the smallest. */
  readonly _heap: T[] = [];
  /** @internal Insertion numbers, parallel to _heap (tie-breaker). */
  readonly _seq: number[] = [];
  /** @internal */ _nextSeq = 0;
  /** @internal The user's comparator, or null for the default order. */
  readonly _compare: ((a: T, b: T) => number) | null;

  constructor(options: number | PriorityQueueOptions<T> = 0) {
    let maxsize: number;
    let compare: ((a: T, b: T) => number) | null = null;
    if (typeof options === "number") {
      maxsize = options;
    } else if (typeof options === "object" && options !== null) {
      maxsize = options.maxsize ?? 0;
      if (options.compare !== undefined) {
        checkCallback(options.compare, "compare");
        compare = options.compare;
      }
    } else {
      throw new TypeError(`PriorityQueue takes a maxsize or { maxsize?, compare? }, got ${describe(options)}`);
    }
    super(checkCount(maxsize, "maxsize"));
    this._compare = compare;
  }

  override qsize(): number {
    return this._heap.length;
  }

  /** Adds `item` (checked against the default order first, so a bad item throws at the call). */
  override put(item: T): Coroutine<void> {
    if (this._compare === null) this._checkItem(item);
    return super.put(item);
  }

  /** @internal Sifts `item` up from the end of the heap. */
  override _put(item: T): void {
    if (this._compare === null) this._checkItem(item);
    const heap = this._heap;
    const seq = this._seq;
    const s = this._nextSeq;
    // Find the slot first, moving nothing, so that a throwing comparator changes nothing.
    let slot = heap.length;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this._before(item, s, heap[parent], seq[parent])) break;
      slot = parent;
    }
    for (let i = heap.length; i > slot; ) {
      const parent = (i - 1) >> 1;
      heap[i] = heap[parent];
      seq[i] = seq[parent];
      i = parent;
    }
    heap[slot] = item;
    seq[slot] = s;
    this._nextSeq = s + 1;
  }

  /** @internal Takes the smallest item; the last one sifts down into its place. */
  override _get(): T {
    const heap = this._heap;
    const seq = this._seq;
    const top = heap[0];
    const n = heap.length - 1;
    const last = heap[n];
    const lastSeq = seq[n];
    // Find where `last` goes, moving nothing (a throwing comparator changes nothing) …
    let slot = 0;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= n) break;
      if (child + 1 < n && this._before(heap[child + 1], seq[child + 1], heap[child], seq[child])) child++;
      if (!this._before(heap[child], seq[child], last, lastSeq)) break;
      slot = child;
    }
    // … then move each item on the path from the root to that slot up one level.
    const path = slot + 1;
    const depth = 31 - Math.clz32(path);
    let up = 0;
    for (let d = depth - 1; d >= 0; d--) {
      const node = (path >> d) - 1;
      heap[up] = heap[node];
      seq[up] = seq[node];
      up = node;
    }
    heap[slot] = last;
    seq[slot] = lastSeq;
    heap.length = n;
    seq.length = n;
    return top;
  }

  /** @internal True when (a, sa) comes out before (b, sb). */
  _before(a: T, sa: number, b: T, sb: number): boolean {
    const c = this._compare === null ? defaultCompare(a, b) : this._compare(a, b);
    return c < 0 || (!(c > 0) && sa < sb);
  }

  /** @internal Throws a TypeError for an item the default order cannot place among the queued ones. */
  _checkItem(item: T): void {
    const kind = keyKind(item);
    if (kind === null) {
      throw new TypeError(
        `PriorityQueue's default order compares numbers, bigints, strings or arrays of them; got ${describe(item)} (pass { compare })`,
      );
    }
    if (this._heap.length > 0 && keyKind(this._heap[0]) !== kind) {
      throw new TypeError(
        `PriorityQueue cannot order ${describe(item)} among the items already queued (pass { compare })`,
      );
    }
  }
}

/**
 * What the default order can compare an item with: "number" (numbers and bigints) or "string",
 * prefixed with "[" for an array (by its element 0); null for anything else.
 */
function keyKind(x: unknown): string | null {
  let prefix = "";
  if (Array.isArray(x)) {
    if (x.length === 0) return null;
    x = x[0];
    prefix = "[";
  }
  switch (typeof x) {
    case "number":
      return Number.isNaN(x) ? null : prefix + "number";
    case "bigint":
      return prefix + "number";
    case "string":
      return prefix + "string";
    default:
      return null;
  }
}

/** `<` on numbers, bigints and strings; arrays element by element; anything else compares equal. */
function defaultCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = defaultCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const ta = typeof a;
  if (
    (ta === "number" || ta === "bigint" || ta === "string") &&
    (typeof b === ta || (ta !== "string" && (typeof b === "number" || typeof b === "bigint")))
  ) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  return 0;
}

// Twins for loop/shapes.ts.
addShapeMaker(() => {
  const queue = new PriorityQueue();
  return [queue, queue.get(), queue.put(0)];
});
