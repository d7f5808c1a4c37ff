// A randomized differential test of the timer heap against a naive model (a list of live timers,
// sorted on demand). Thousands of operations per seed: adds with random, equal, past and huge
// deadlines, bursts past TIMER_BATCH, cancels of live, fired, cancelled and unknown ids, mass
// cancels, and polls at advancing times (and, for the core, waits through the provider and its
// sequence counter run to the end, so that the next add renumbers the heap's sequences). After
// every step the popped ids and their order, the counts, the heap's size bound and the nearest
// deadline must match the model.
//
// A failure names its seed. Reproduce one with WASIO_SEED=<seed> (a comma-separated list works),
// and make runs longer with WASIO_FUZZ_OPS=<operations per seed>.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { ReferenceHeap } from "../../scripts/bench/reference-heap.mjs";
import { newCore, pollEntries, readEntries, rng, timerIds, type Ready } from "./test-provider.js";

const TIMER_BATCH = 4096;
const OPS = Number(process.env.WASIO_FUZZ_OPS ?? 6000);
const FIXED_SEEDS = [1, 2, 3, 0xc0ffee, 20240611];
const SEEDS = process.env.WASIO_SEED
  ? process.env.WASIO_SEED.split(",").map((s) => Number(s))
  : [...FIXED_SEEDS, (Date.now() ^ (process.pid << 8)) >>> 0];

/** What the random driver needs from a heap. */
interface Subject {
  add(when: number): number;
  cancel(id: number): boolean;
  next(): number;
  count(): number;
  heapSize(): number;
  nowMs(): number;
  setMs(ms: number): void;
  /** Pops what is due at the current clock, without waiting. */
  pop(): number[];
  /** Waits at most `timeoutMs` (-1: until the nearest deadline) through the provider, then pops. */
  wait?(timeoutMs: number): number[];
  /** Runs the sequence counter to its end, so that the next add renumbers the heap's sequences. */
  exhaustSequence?(): void;
}

function coreSubject(): Subject {
  const { core, provider, x } = newCore();
  const popped = (entries: Ready[], hadTimers: boolean) => {
    if (hadTimers) assert.is(x.polled_at(), provider.nowMs(), "polled_at is the clock the timers were expired against");
    assert.ok(
      entries.every((e) => e.kind === 0 && e.flags === 0 && e.nbytes === 0),
      "timer entries only",
    );
    return timerIds(entries);
  };
  return {
    add: (when) => x.timer_add(when),
    cancel: (id) => x.timer_cancel(id) === 1,
    next: () => x.timer_next(),
    count: () => x.timer_count(),
    heapSize: () => x.timer_heap_size(),
    exhaustSequence: () => x.timer_sequence_skip(Infinity),
    nowMs: () => provider.nowMs(),
    setMs: (ms) => provider.setMs(ms),
    pop: () => {
      const hadTimers = x.timer_next() !== Infinity; // poll starts with the same call
      return popped(pollEntries(core, 0), hadTimers);
    },
    wait: (timeoutMs) => {
      const before = provider.pollCalls;
      const next = x.timer_next();
      const start = provider.nowMs();
      const n = core.poll(timeoutMs);
      if (n === -16) {
        assert.ok(timeoutMs < 0 && next === Infinity, "-16 only with no deadline and no limit");
        return [];
      }
      assert.ok(n >= 0, `poll returned ${n}`);
      const entries = popped(readEntries(core, n), next !== Infinity);
      const limit = Math.min(timeoutMs < 0 ? Infinity : timeoutMs, next - start);
      if (limit > 0) {
        assert.is(provider.pollCalls, before + 1, "a wait is one poll_oneoff call");
        // the clock moved by the wait rounded up to whole ns (or clamped to ~127 years)
        assert.ok(provider.nowMs() >= start + limit || provider.nowMs() - start >= 4e12 - 1, "waited the whole limit");
      } else {
        assert.is(provider.pollCalls, before, "no wait, no poll_oneoff call");
      }
      return entries;
    },
  };
}

function referenceSubject(): Subject {
  const heap = new ReferenceHeap();
  const out = new Int32Array(TIMER_BATCH);
  let now = 0;
  return {
    add: (when) => heap.add(when),
    cancel: (id) => heap.cancel(id),
    next: () => heap.next(),
    count: () => heap.count(),
    heapSize: () => heap.heapSize(),
    nowMs: () => now,
    setMs: (ms) => {
      now = ms;
    },
    pop: () => Array.from(out.subarray(0, heap.popExpired(now, out, TIMER_BATCH))),
  };
}

interface ModelTimer {
  id: number;
  when: number;
  seq: number;
}

/** Runs `ops` random operations from `seed` against `subject` and the model; throws on a mismatch. */
function fuzz(
  subject: Subject,
  seed: number,
  ops: number,
): { fired: number; cancelled: number; maxLive: number; batches: number; exhausted: number } {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const live = new Map<number, ModelTimer>();
  const gone = new Set<number>(); // ids that fired or were cancelled and are not live again
  let seq = 0;
  let maxIdSeen = -1;
  const stats = { fired: 0, cancelled: 0, maxLive: 0, batches: 0, exhausted: 0 };

  const add = (when: number) => {
    const id = subject.add(when);
    assert.ok(Number.isInteger(id) && id >= 0, `id ${id}`);
    assert.not.ok(live.has(id), `id ${id} handed out while live`);
    gone.delete(id);
    live.set(id, { id, when, seq: seq++ });
    if (id > maxIdSeen) maxIdSeen = id;
  };
  const cancel = (id: number) => {
    const expected = live.has(id);
    assert.is(
      subject.cancel(id),
      expected,
      `cancel(${id}) of a ${expected ? "live" : gone.has(id) ? "fired/cancelled" : "unknown"} id`,
    );
    if (expected) {
      live.delete(id);
      gone.add(id);
      stats.cancelled++;
    }
  };
  const check = (popped: number[]) => {
    const now = subject.nowMs();
    const due = [...live.values()].filter((t) => t.when <= now).sort((p, q) => p.when - q.when || p.seq - q.seq);
    const expected = due.slice(0, TIMER_BATCH).map((t) => t.id);
    if (due.length > TIMER_BATCH) stats.batches++;
    assert.is(popped.length, expected.length, `popped count at ${now} ms`);
    assert.equal(popped, expected, `popped order at ${now} ms`);
    for (const id of popped) {
      live.delete(id);
      gone.add(id);
    }
    stats.fired += popped.length;
  };
  const liveIds = () => [...live.keys()];

  for (let op = 0; op < ops; op++) {
    const now = subject.nowMs();
    const roll = r();
    try {
      if (roll < 0.25) add(now + r() * 1000);
      else if (roll < 0.33)
        add(live.size > 0 ? pick([...live.values()]).when : now); // an equal deadline
      else if (roll < 0.4)
        add(Math.floor(now) + Math.floor(r() * 8)); // many ties
      else if (roll < 0.42)
        add(now - r() * 100); // already due
      else if (roll < 0.435)
        add(pick([1e15, Number.MAX_VALUE, 1e300, 2 ** 53])); // never due here
      else if (roll < 0.437) {
        const when = now + Math.floor(r() * 3);
        const n = TIMER_BATCH + Math.floor(r() * 3000);
        for (let i = 0; i < n; i++) add(when + (i % 3)); // a burst past TIMER_BATCH
      } else if (roll < 0.58) {
        if (live.size > 0) cancel(pick(liveIds()));
      } else if (roll < 0.63) {
        if (gone.size > 0) cancel(pick([...gone]));
      } else if (roll < 0.65) cancel(pick([-1, -7, maxIdSeen + 1, maxIdSeen + 1000, 2 ** 31 - 1]));
      else if (roll < 0.652) {
        for (const id of liveIds()) if (r() < 0.9) cancel(id);
      } // mass cancel
      else if (roll < 0.657 && subject.exhaustSequence) {
        subject.exhaustSequence();
        stats.exhausted++;
      } else if (roll < 0.85 || subject.wait === undefined) {
        const step = pick([0, 0, r(), r() * 10, r() * 200, 1]);
        subject.setMs(now + step);
        check(subject.pop());
      } else {
        const next = subject.next();
        // wait only where the clock cannot run off the end of a u64 ns count
        const timeout = next < 1e9 && r() < 0.5 ? -1 : r() * 50;
        check(subject.wait(timeout));
      }
      assert.is(subject.count(), live.size, "live count");
      const size = subject.heapSize();
      assert.ok(
        size >= live.size && size <= live.size + Math.max(64, live.size),
        `heap size ${size} for ${live.size} live`,
      );
      if (r() < 0.3) {
        let min = Infinity;
        for (const t of live.values()) if (t.when < min) min = t.when;
        assert.is(subject.next(), min, "nearest deadline");
      }
      if (live.size > stats.maxLive) stats.maxLive = live.size;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (err instanceof Error) err.message = `seed ${seed} (reproduce: WASIO_SEED=${seed}), operation ${op}: ${msg}`;
      throw err;
    }
  }
  // Drain: everything that can ever be due fires, in order, exactly once.
  subject.setMs(Math.max(subject.nowMs(), 1e9));
  for (let i = 0; i < 1000 && [...live.values()].some((t) => t.when <= subject.nowMs()); i++) check(subject.pop());
  assert.ok(
    [...live.values()].every((t) => t.when > 1e9),
    `seed ${seed}: undrained timers`,
  );
  return stats;
}

for (const seed of SEEDS) {
  test(`the core's heap pops exactly what a naive model pops, in the same order (seed ${seed})`, () => {
    try {
      const stats = fuzz(coreSubject(), seed, OPS);
      assert.ok(stats.fired > 100 && stats.cancelled > 100, `exercised: ${JSON.stringify(stats)}`);
    } catch (err) {
      console.error(
        `\n[timer heap fuzz] failing seed: ${seed} — rerun with WASIO_SEED=${seed} node scripts/test.mjs core/timer-heap-random`,
      );
      throw err;
    }
  });
}

test("the random operations reach bursts past TIMER_BATCH, heaps of thousands and renumbered sequences", () => {
  const stats = fuzz(coreSubject(), FIXED_SEEDS[0], OPS);
  assert.ok(stats.batches > 0, `batches ${stats.batches}`);
  assert.ok(stats.maxLive > TIMER_BATCH, `max live ${stats.maxLive}`);
  assert.ok(stats.exhausted > 5, `sequence counter run out ${stats.exhausted} times`);
});

for (const seed of SEEDS.slice(0, 3)) {
  test(`the benchmark's reference heap pops exactly what the model pops (seed ${seed})`, () => {
    try {
      fuzz(referenceSubject(), seed, OPS);
    } catch (err) {
      console.error(`\n[reference heap fuzz] failing seed: ${seed} — rerun with WASIO_SEED=${seed}`);
      throw err;
    }
  });
}

test.run();
