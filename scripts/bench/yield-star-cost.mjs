// yield-star-cost: what queue ping-pong (W3) costs below wasio, in CPU instructions (callgrind,
// Node): minimal models in plain JavaScript, two generator tasks passing messages through two
// queues, driven by a ready array, and micro-benchmarks of one generator resume. They bound what
// a generator-based loop can reach with W3's API (`yield* q.get()`), and show where that goes.
//
//   node scripts/bench/yield-star-cost.mjs          # needs valgrind; each figure is the
//                                                  # difference of two runs (more minus fewer)
//
// Models (instructions per message):
//   inline     the queue ops written out in the tasks' bodies: a task waits with `yield fut`
//   delegated  `yield* q.put(x)` and `yield* q.get()` over hand-written ops, as wasio's users write
//   get-only   only the get delegated (it suspends); the put a plain call
//   put-only   only the put delegated (it never suspends); the get written out
// Resumes (instructions per generator resume):
//   bare       `for (;;) yield v`
//   locals     the same with eight more locals live across the yield
//   delegated  `for (;;) x += yield* op`, the op suspending every other call

import { fileURLToPath } from "node:url";
import { haveValgrind, instructions } from "./callgrind.mjs";

const GEN_NEXT = Object.getPrototypeOf(function* () {}).prototype.next;

class Waiter {
  constructor() {
    this.task = null;
  }
}

/** A queue with reusable hand-written get and put ops (each its own iterator result). */
class MiniQueue {
  constructor(ready) {
    this.items = [];
    this.getter = null;
    this.ready = ready;
    this.getOp = new GetOp(this);
    this.putOp = new PutOp(this);
  }
  get() {
    const op = this.getOp;
    op.done = false;
    op.value = undefined;
    return op;
  }
  put(x) {
    const op = this.putOp;
    op.done = false;
    op.value = undefined;
    op.item = x;
    return op;
  }
  push(x) {
    this.items.push(x);
    const w = this.getter;
    if (w !== null) {
      this.getter = null;
      this.ready.push(w.task);
    }
  }
  waiter() {
    const w = new Waiter();
    this.getter = w;
    return w;
  }
}

class GetOp {
  constructor(q) {
    this.q = q;
    this.value = undefined;
    this.done = false;
  }
  [Symbol.iterator]() {
    return this;
  }
  next() {
    const q = this.q;
    if (q.items.length === 0) {
      this.value = q.waiter();
      return this;
    }
    this.value = q.items.shift();
    this.done = true;
    return this;
  }
}

class PutOp {
  constructor(q) {
    this.q = q;
    this.value = undefined;
    this.done = false;
    this.item = undefined;
  }
  [Symbol.iterator]() {
    return this;
  }
  next() {
    this.q.push(this.item);
    this.done = true;
    this.value = undefined;
    return this;
  }
}

class MiniTask {
  constructor(gen) {
    this.gen = gen;
  }
  step() {
    const r = GEN_NEXT.call(this.gen);
    if (!r.done) r.value.task = this;
  }
}

const BODIES = {
  inline: (q1, q2, trips, out) => [
    (function* () {
      for (let i = 0; i < trips; i++) {
        q1.push(i);
        while (q2.items.length === 0) yield q2.waiter();
        out.sum += q2.items.shift();
      }
    })(),
    (function* () {
      for (let i = 0; i < trips; i++) {
        while (q1.items.length === 0) yield q1.waiter();
        q2.push(q1.items.shift());
      }
    })(),
  ],
  delegated: (q1, q2, trips, out) => [
    (function* () {
      for (let i = 0; i < trips; i++) {
        yield* q1.put(i);
        out.sum += yield* q2.get();
      }
    })(),
    (function* () {
      for (let i = 0; i < trips; i++) yield* q2.put(yield* q1.get());
    })(),
  ],
  "get-only": (q1, q2, trips, out) => [
    (function* () {
      for (let i = 0; i < trips; i++) {
        q1.push(i);
        out.sum += yield* q2.get();
      }
    })(),
    (function* () {
      for (let i = 0; i < trips; i++) q2.push(yield* q1.get());
    })(),
  ],
  "put-only": (q1, q2, trips, out) => [
    (function* () {
      for (let i = 0; i < trips; i++) {
        yield* q1.put(i);
        while (q2.items.length === 0) yield q2.waiter();
        out.sum += q2.items.shift();
      }
    })(),
    (function* () {
      for (let i = 0; i < trips; i++) {
        while (q1.items.length === 0) yield q1.waiter();
        yield* q2.put(q1.items.shift());
      }
    })(),
  ],
};

function pingPong(model, messages) {
  const trips = messages / 2;
  const ready = [];
  const q1 = new MiniQueue(ready);
  const q2 = new MiniQueue(ready);
  const out = { sum: 0 };
  const [a, b] = BODIES[model](q1, q2, trips, out).map((g) => new MiniTask(g));
  ready.push(a, b);
  // The ready array is consumed from the front and compacted now and then, as the loop's is.
  let head = 0;
  while (head < ready.length) {
    ready[head++].step();
    if (head === 1024) {
      ready.splice(0, head);
      head = 0;
    }
  }
  if (out.sum !== (trips * (trips - 1)) / 2) throw new Error(`${model}: lost messages`);
}

function resumes(kind, n) {
  let sink = 0;
  const op = {
    value: undefined,
    done: false,
    odd: false,
    [Symbol.iterator]() {
      return this;
    },
    next() {
      this.odd = !this.odd;
      this.done = !this.odd;
      this.value = this.odd ? this : 7;
      return this;
    },
  };
  const gens = {
    *bare() {
      for (;;) {
        yield op;
        sink += 7;
      }
    },
    *locals() {
      let a = 1,
        b = 2,
        c = 3,
        d = 4,
        e = 5,
        f = 6,
        g = 7;
      const h = {};
      for (;;) {
        yield op;
        sink += a + b + c + d + e + f + g;
        h.x = sink;
        a++;
      }
    },
    *delegated() {
      for (;;) sink += yield* op;
    },
  };
  const gen = gens[kind]();
  for (let i = 0; i < n; i++) if (GEN_NEXT.call(gen).done) throw new Error("ended");
  return sink;
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  const [, what, kind, count] = argv;
  if (what === "model") {
    for (let r = 0; r < 3; r++) pingPong(kind, 100_000);
    pingPong(kind, Number(count));
  } else {
    resumes(kind, 100_000);
    resumes(kind, Number(count));
  }
} else if (!haveValgrind()) {
  console.log("yield-star-cost: valgrind not found (apt install valgrind); skipped");
} else {
  const me = fileURLToPath(import.meta.url);
  const per = async (what, kind, few, many, unit) => {
    const [a, b] = await Promise.all([
      instructions(me, ["--child", what, kind, few]),
      instructions(me, ["--child", what, kind, many]),
    ]);
    console.log(`${what} ${kind}: ${Math.round((b - a) / (many - few))} instructions per ${unit}`);
  };
  for (const m of ["inline", "put-only", "get-only", "delegated"]) await per("model", m, 200_000, 600_000, "message");
  for (const k of ["bare", "locals", "delegated"]) await per("resume", k, 200_000, 600_000, "resume");
}
