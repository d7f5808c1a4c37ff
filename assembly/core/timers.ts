// The timer heap: a binary min-heap of (deadline, sequence, id) entries, ordered by deadline and
// then by sequence, so equal deadlines pop in the order they were added. An entry is two 8-byte
// words in two parallel arrays: the deadline (f64 ms, exact: the order and the `when <= now` rule
// see the value the host gave) and a tag, sequence << 32 | id (u64). Comparing tags compares
// sequences (no two entries share one), and the deadlines alone fill the array the hole walks
// down when the top is removed, so that walk touches 8 bytes a node and the tags only on ties.
//
// The sequence is a 32-bit counter. Before it would pass 2^32 (2^32 additions), the heap sorts
// itself in place by (deadline, sequence) — a sorted array is a valid heap — and gives each entry
// its rank as its new sequence; the counter goes on from the number of entries. Every order
// between entries is kept, and that costs O(n log n) once per 2^32 - n >= 2^31 additions.
// (Packing the deadline and the sequence into one 64-bit key would save the second comparison,
// but deadlines are any f64 and their order needs all 64 bits: the key could not be exact.)
//
// Cancel is O(1) lazy deletion: the id is marked dead and its entry is skipped when it reaches
// the top. When dead entries outnumber live ones (and there are more than 64) after a cancel or
// a pop, the heap is compacted in O(n), so its size stays proportional to the live timers. An
// id is reused only once its entry has left the heap, so an id the host holds means one timer.
//
// Removing the top uses Floyd's bottom-up deletion: the hole sinks to a leaf along the smaller
// children (one comparison of deadlines per level, of tags on a tie), and the last entry rises
// from there (usually a level or two). The choice of the smaller child stays a branch: computed
// without one (select, or an index plus the comparison's 0/1), pops were 1.5–2× slower on V8,
// whose speculation down the predicted branch overlaps the next level's loads; and the tie test
// is a second branch, not folded into the first, so the tags stay off that path.
//
// Limits: at most 2^31 - 1 timers alive at once; deadlines are floats in milliseconds (NaN is
// the host's job to reject).

import { grow, nextCapacity } from "./buffers";
import { READY_TIMER } from "./ready";

const SEQUENCE_END: u64 = 1 << 32; // sequences fit the tag's high 32 bits
const ID_MASK: u64 = 0xffff_ffff;
const FREE: u8 = 0;
const LIVE: u8 = 1;
const DEAD: u8 = 2;

let whenPtr: usize = 0; // per heap slot: deadline (f64)
let tagPtr: usize = 0; // per heap slot: sequence << 32 | id (u64)
let heapLen: i32 = 0;
let heapCap: i32 = 0;
let statePtr: usize = 0; // one u8 per id: FREE, LIVE or DEAD
let freePtr: usize = 0; // stack of reusable ids (i32)
let freeLen: i32 = 0;
let idCap: i32 = 0;
let nextId: i32 = 0; // ids below this have been handed out at least once
let sequence: u64 = 0; // the next addition's sequence, below SEQUENCE_END
let liveCount: i32 = 0;
let deadCount: i32 = 0;

@inline function whenAt(i: i32): f64 { return load<f64>(whenPtr + (<usize>i << 3)); }
@inline function tagAt(i: i32): u64 { return load<u64>(tagPtr + (<usize>i << 3)); }
@inline function idAt(i: i32): i32 { return load<i32>(tagPtr + (<usize>i << 3)); }
@inline function stateOf(id: i32): u8 { return load<u8>(statePtr + <usize>id); }
@inline function setState(id: i32, s: u8): void { store<u8>(statePtr + <usize>id, s); }

@inline function put(i: i32, when: f64, tag: u64): void {
  store<f64>(whenPtr + (<usize>i << 3), when);
  store<u64>(tagPtr + (<usize>i << 3), tag);
}

@inline function less(w1: f64, t1: u64, w2: f64, t2: u64): bool {
  return w1 < w2 || (w1 == w2 && t1 < t2);
}

/** Moves the entry (when, tag) up from hole `i` to its place. */
function siftUp(i: i32, when: f64, tag: u64): void {
  const W = whenPtr, T = tagPtr;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pw = load<f64>(W + (<usize>parent << 3));
    if (!(when < pw)) { if (when != pw || tag > load<u64>(T + (<usize>parent << 3))) break; }
    store<f64>(W + (<usize>i << 3), pw);
    store<u64>(T + (<usize>i << 3), load<u64>(T + (<usize>parent << 3)));
    i = parent;
  }
  store<f64>(W + (<usize>i << 3), when);
  store<u64>(T + (<usize>i << 3), tag);
}

/** Moves the entry (when, tag) down from hole `i` to its place. */
function siftDown(i: i32, when: f64, tag: u64): void {
  const n = heapLen;
  while (true) {
    let child = 2 * i + 1;
    if (child >= n) break;
    let cw = whenAt(child), ct = tagAt(child);
    const right = child + 1;
    if (right < n) {
      const rw = whenAt(right), rt = tagAt(right);
      if (less(rw, rt, cw, ct)) { child = right; cw = rw; ct = rt; }
    }
    if (!less(cw, ct, when, tag)) break;
    put(i, cw, ct);
    i = child;
  }
  put(i, when, tag);
}

function releaseId(id: i32): void {
  setState(id, FREE);
  store<i32>(freePtr + (<usize>freeLen << 2), id);
  freeLen++;
}

/**
 * Removes the top entry (the heap must not be empty), bottom-up (see the top of the file). While
 * the hole sinks, the slot of the last entry (which moves anyway) holds a +Infinity sentinel, so
 * every node above it has a right child to compare and the loop tests one bound per level. The
 * walk is in byte offsets; 2 * c + 8 cannot wrap, as two arrays of 8-byte slots past 2^28 would
 * not fit in a 32-bit memory.
 */
@inline function removeTop(): void {
  const n = --heapLen;
  if (n == 0) return;
  const W = whenPtr, T = tagPtr;
  const lastWhen = load<f64>(W + (<usize>n << 3)), lastTag = load<u64>(T + (<usize>n << 3));
  store<f64>(W + (<usize>n << 3), Infinity);
  store<u64>(T + (<usize>n << 3), U64.MAX_VALUE);
  const end = <usize>n << 3;
  let hole: usize = 0;
  let c: usize = 8;
  while (c < end) {
    let cw = load<f64>(W + c);
    const rw = load<f64>(W + c, 8);
    if (rw < cw) { c += 8; cw = rw; }
    else if (rw == cw) { if (load<u64>(T + c, 8) < load<u64>(T + c)) c += 8; }
    store<f64>(W + hole, cw);
    store<u64>(T + hole, load<u64>(T + c));
    hole = c;
    c = 2 * c + 8;
  }
  const i = <i32>(hole >> 3);
  siftUp(i, lastWhen, lastTag);
}

function takeId(): i32 {
  if (freeLen > 0) return load<i32>(freePtr + (<usize>--freeLen << 2));
  if (nextId == idCap) {
    const cap = nextCapacity(idCap, nextId + 1);
    statePtr = grow(statePtr, <usize>cap);
    memory.fill(statePtr + <usize>idCap, FREE, <usize>(cap - idCap));
    freePtr = grow(freePtr, <usize>cap << 2);
    idCap = cap;
  }
  return nextId++;
}

/** Drops every dead entry and rebuilds the heap in O(n). */
function compact(): void {
  let j = 0;
  for (let i = 0; i < heapLen; i++) {
    const id = idAt(i);
    if (stateOf(id) == DEAD) { releaseId(id); continue; }
    if (i != j) put(j, whenAt(i), tagAt(i));
    j++;
  }
  heapLen = j;
  deadCount = 0;
  for (let i = (heapLen >> 1) - 1; i >= 0; i--) siftDown(i, whenAt(i), tagAt(i));
}

/**
 * Sorts the heap in place by (deadline, sequence) and renumbers the sequences 0, 1, …, in that
 * order; the counter restarts after them. Heapsort: each removed top goes to the slot the
 * shrinking heap frees, which leaves the entries in descending order; reversed, they ascend.
 */
function renumber(): void {
  const n = heapLen;
  for (let k = n - 1; k > 0; k--) {
    const when = whenAt(0), tag = tagAt(0);
    removeTop();
    put(k, when, tag);
  }
  heapLen = n;
  for (let i = 0, j = n - 1; i < j; i++, j--) {
    const when = whenAt(i), tag = tagAt(i);
    put(i, whenAt(j), tagAt(j));
    put(j, when, tag);
  }
  for (let i = 0; i < n; i++) put(i, whenAt(i), (<u64>i << 32) | (tagAt(i) & ID_MASK));
  sequence = <u64>n;
}

/** Pops dead entries off the top so that the top, if any, is live. */
function skipDead(): void {
  while (heapLen > 0) {
    const id = idAt(0);
    if (stateOf(id) != DEAD) return;
    removeTop();
    releaseId(id);
    deadCount--;
  }
}

/** Forgets every timer (ids, sequence and counts start over); keeps the buffers for reuse. */
export function resetTimers(): void {
  memory.fill(statePtr, FREE, <usize>nextId);
  heapLen = 0;
  freeLen = 0;
  nextId = 0;
  sequence = 0;
  liveCount = 0;
  deadCount = 0;
}

/** Adds a timer due at `when` (ms) and returns its id. */
export function timerAdd(when: f64): i32 {
  const id = takeId();
  if (heapLen == heapCap) {
    const cap = nextCapacity(heapCap, heapLen + 1);
    whenPtr = grow(whenPtr, <usize>cap << 3);
    tagPtr = grow(tagPtr, <usize>cap << 3);
    heapCap = cap;
  }
  if (sequence == SEQUENCE_END) renumber();
  setState(id, LIVE);
  liveCount++;
  heapLen++;
  siftUp(heapLen - 1, when, (sequence << 32) | <u64><u32>id);
  sequence++;
  return id;
}

/**
 * Advances the sequence counter by `n` (at most to where it is renumbered), as if `n` timers had
 * been added and had left. Nothing observable changes: it lets tests reach the renumbering, which
 * otherwise takes 2^32 additions. NaN, zero and negative counts do nothing.
 */
export function timerSequenceSkip(n: f64): void {
  if (!(n > 0)) return;
  const room = SEQUENCE_END - sequence;
  sequence = n >= <f64>room ? SEQUENCE_END : sequence + <u64>n;
}

/** Compacts when dead entries outnumber live ones (and there are more than 64). */
@inline function maybeCompact(): void {
  if (deadCount > 64 && deadCount > liveCount) compact();
}

/** Cancels timer `id`; returns false if it is not a live timer. */
export function timerCancel(id: i32): bool {
  if (id < 0 || id >= nextId || stateOf(id) != LIVE) return false;
  setState(id, DEAD);
  liveCount--;
  deadCount++;
  maybeCompact();
  return true;
}

/** The deadline of the earliest live timer, or +Infinity when there is none. */
export function timerNext(): f64 {
  skipDead();
  return heapLen > 0 ? whenAt(0) : Infinity;
}

/** The number of live (added, not yet fired or cancelled) timers. */
export function timerCount(): i32 {
  return liveCount;
}

/** The number of entries held by the heap, live and dead (for tests of compaction). */
export function timerHeapSize(): i32 {
  return heapLen;
}

/**
 * Pops up to `max` live timers due at `now` (deadline <= now) in (deadline, sequence) order and
 * writes each as a ready entry [0, id, 0, 0] (four i32) from `out`; returns how many it wrote.
 */
export function timerPopExpired(now: f64, out: usize, max: i32): i32 {
  let n = 0;
  while (n < max && heapLen > 0) {
    const when = whenAt(0);
    if (when > now) break;
    const id = idAt(0);
    removeTop();
    if (stateOf(id) == DEAD) { releaseId(id); deadCount--; continue; }
    releaseId(id);
    liveCount--;
    const p = out + (<usize>n << 4);
    store<i32>(p, READY_TIMER);
    store<i32>(p, id, 4);
    store<i64>(p, 0, 8);
    n++;
  }
  maybeCompact(); // firing shrinks the live count: dead entries deeper down may now dominate
  return n;
}
