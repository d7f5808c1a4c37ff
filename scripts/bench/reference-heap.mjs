// The reference timer heap: the core's heap (assembly/core/timers.ts) written again in plain
// JavaScript, so that scripts/bench/heap.mjs can tell what compiling it to wasm buys. Same
// algorithm, same contract: a binary min-heap keyed (deadline, sequence) with the entries in
// typed arrays (no object per timer, nothing for the garbage collector), Floyd's bottom-up
// deletion of the top, O(1) lazy cancel with compaction when dead entries outnumber live ones
// (and there are more than 64), ids reused only after their entry left the heap, and
// `popExpired` writing at most `max` due ids. The layout differs where plain JavaScript has no
// cheap equivalent: the core keeps the sequence (32 bits, renumbered before it wraps) and the id
// in one u64 tag beside the deadlines, two arrays; here they are three (deadlines, f64 sequences,
// ids), and the tie test is JavaScript's short-circuit `||`, as the core's second branch.
//
// tests/core/timer-heap-random.test.ts drives it with the same random operations as the core and
// checks both against a naive model, so the benchmark compares two heaps that behave alike.

const FREE = 0;
const LIVE = 1;
const DEAD = 2;

export class ReferenceHeap {
  constructor() {
    this.when = new Float64Array(16); // per heap slot: deadline (ms)
    this.seq = new Float64Array(16); //                 sequence (ties in insertion order)
    this.ids = new Int32Array(16); //                   timer id
    this.len = 0; // heap slots in use (live and dead)
    this.state = new Uint8Array(16); // per id: FREE, LIVE or DEAD
    this.free = new Int32Array(16); // stack of reusable ids
    this.freeLen = 0;
    this.nextId = 0; // ids below this have been handed out at least once
    this.sequence = 0;
    this.live = 0;
    this.dead = 0;
  }

  /** Adds a timer due at `when` (ms) and returns its id. */
  add(when) {
    const id = this.takeId();
    if (this.len === this.when.length) this.growHeap();
    this.state[id] = LIVE;
    this.live++;
    this.siftUp(this.len++, when, this.sequence, id);
    this.sequence += 1;
    return id;
  }

  /** Cancels timer `id`; returns false if it is not a live timer. */
  cancel(id) {
    if (id < 0 || id >= this.nextId || this.state[id] !== LIVE) return false;
    this.state[id] = DEAD;
    this.live--;
    this.dead++;
    if (this.dead > 64 && this.dead > this.live) this.compact();
    return true;
  }

  /** The deadline of the earliest live timer, or +Infinity. */
  next() {
    this.skipDead();
    return this.len > 0 ? this.when[0] : Infinity;
  }

  count() {
    return this.live;
  }

  heapSize() {
    return this.len;
  }

  /** Pops up to `max` live timers with deadline <= `now`, in order, writing their ids to `out`. */
  popExpired(now, out, max) {
    const state = this.state;
    let n = 0;
    while (n < max && this.len > 0) {
      if (this.when[0] > now) break;
      const id = this.ids[0];
      this.removeTop();
      const s = state[id];
      this.releaseId(id);
      if (s === DEAD) {
        this.dead--;
        continue;
      }
      this.live--;
      out[n++] = id;
    }
    if (this.dead > 64 && this.dead > this.live) this.compact();
    return n;
  }

  // ------------------------------------------------------------------------------------------

  siftUp(i, when, seq, id) {
    const W = this.when,
      S = this.seq,
      I = this.ids;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pw = W[parent];
      if (!(when < pw || (when === pw && seq < S[parent]))) break;
      W[i] = pw;
      S[i] = S[parent];
      I[i] = I[parent];
      i = parent;
    }
    W[i] = when;
    S[i] = seq;
    I[i] = id;
  }

  siftDown(i, when, seq, id) {
    const W = this.when,
      S = this.seq,
      I = this.ids,
      n = this.len;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let cw = W[child],
        cs = S[child];
      const right = child + 1;
      if (right < n) {
        const rw = W[right],
          rs = S[right];
        if (rw < cw || (rw === cw && rs < cs)) {
          child = right;
          cw = rw;
          cs = rs;
        }
      }
      if (!(cw < when || (cw === when && cs < seq))) break;
      W[i] = cw;
      S[i] = cs;
      I[i] = I[child];
      i = child;
    }
    W[i] = when;
    S[i] = seq;
    I[i] = id;
  }

  /** Floyd's bottom-up deletion, as the core does it: the hole sinks, the last entry rises. */
  removeTop() {
    const n = --this.len;
    if (n === 0) return;
    const W = this.when,
      S = this.seq,
      I = this.ids;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let cw = W[child],
        cs = S[child];
      const right = child + 1;
      if (right < n) {
        const rw = W[right],
          rs = S[right];
        if (rw < cw || (rw === cw && rs < cs)) {
          child = right;
          cw = rw;
          cs = rs;
        }
      }
      W[i] = cw;
      S[i] = cs;
      I[i] = I[child];
      i = child;
    }
    this.siftUp(i, W[n], S[n], I[n]);
  }

  skipDead() {
    while (this.len > 0) {
      const id = this.ids[0];
      if (this.state[id] !== DEAD) return;
      this.removeTop();
      this.releaseId(id);
      this.dead--;
    }
  }

  compact() {
    const W = this.when,
      S = this.seq,
      I = this.ids;
    let j = 0;
    for (let i = 0; i < this.len; i++) {
      const id = I[i];
      if (this.state[id] === DEAD) {
        this.releaseId(id);
        continue;
      }
      W[j] = W[i];
      S[j] = S[i];
      I[j] = id;
      j++;
    }
    this.len = j;
    this.dead = 0;
    for (let i = (j >> 1) - 1; i >= 0; i--) this.siftDown(i, W[i], S[i], I[i]);
  }

  releaseId(id) {
    this.state[id] = FREE;
    this.free[this.freeLen++] = id;
  }

  takeId() {
    if (this.freeLen > 0) return this.free[--this.freeLen];
    if (this.nextId === this.state.length) {
      const cap = this.state.length * 2;
      const state = new Uint8Array(cap);
      state.set(this.state);
      this.state = state;
      const free = new Int32Array(cap);
      free.set(this.free.subarray(0, this.freeLen));
      this.free = free;
    }
    return this.nextId++;
  }

  growHeap() {
    const cap = this.when.length * 2;
    for (const key of ["when", "seq"]) {
      const a = new Float64Array(cap);
      a.set(this[key]);
      this[key] = a;
    }
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    this.ids = ids;
  }
}
