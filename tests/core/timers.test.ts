// The core's timer heap, through its exports (timer_add, timer_cancel, timer_next, timer_count,
// timer_heap_size, timer_sequence_skip) and `poll`, which is how the loop pops due timers.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop } from "../../src/io/event-loop.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { EVENTTYPE_CLOCK, CLOCK_USERDATA, newCore, pollEntries, rng, timerIds } from "./test-provider.js";

const TIMER_BATCH = 4096;
const MAX_TIMEOUT_NS = 4_000_000_000_000_000_000n;

test("timers pop in deadline order and equal deadlines in the order they were added", () => {
  const { core, provider, x } = newCore();
  const byId = new Map<number, string>();
  const add = (when: number, name: string) => byId.set(x.timer_add(when), name);
  add(5, "c1");
  add(3, "a");
  add(5, "c2");
  add(4, "b");
  add(5, "c3");
  add(3, "a2");
  for (let i = 0; i < 50; i++) add(7, `d${i}`);
  provider.setMs(10);
  const order = timerIds(pollEntries(core, 0)).map((id) => byId.get(id));
  assert.equal(order, ["a", "a2", "b", "c1", "c2", "c3", ...Array.from({ length: 50 }, (_, i) => `d${i}`)]);
  assert.is(x.timer_count(), 0);
});

test("staged timers: an area made for m serves a batch of n <= m, ids follow the n deadlines, order is kept", () => {
  const { core, provider, x } = newCore();
  const p = x.timer_staging(8);
  assert.is(x.timer_staging(3), p, "a smaller batch gets the same area");
  const f64 = core.f64();
  [4, 2, 4, 9, 1, 1].forEach((when, i) => {
    f64[(p >>> 3) + i] = when;
  });
  x.timer_add_staged(3); // only the first three: 4, 2, 4
  const ids = Array.from(core.i32().subarray((p + 8 * 3) >>> 2, ((p + 8 * 3) >>> 2) + 3));
  assert.is(new Set(ids).size, 3);
  assert.is(x.timer_count(), 3);
  provider.setMs(10);
  assert.equal(timerIds(pollEntries(core, 0)), [ids[1], ids[0], ids[2]]);
  assert.is(x.timer_count(), 0);
});

test("equal deadlines keep the order they were added when the sequence counter runs out and is renumbered", () => {
  const { core, provider, x } = newCore();
  const byId = new Map<number, string>();
  const add = (when: number, name: string) => byId.set(x.timer_add(when), name);
  add(5, "c1");
  add(3, "a1");
  add(Infinity, "z1");
  add(5, "c2");
  x.timer_cancel(x.timer_add(5)); // a cancelled entry is renumbered too, and still skipped
  x.timer_sequence_skip(2 ** 32 - 5 - 1); // 5 added: one sequence left before the end
  add(5, "c3"); // the last sequence
  add(3, "a2"); // renumbers, then goes after every entry there is
  add(5, "c4");
  for (let round = 0; round < 3; round++) {
    x.timer_sequence_skip(Infinity); // runs the counter to its end: the next add renumbers
    add(5, `c${5 + round}`);
    add(3, `a${3 + round}`);
  }
  x.timer_sequence_skip(Number.NaN); // NaN, zero and negative counts do nothing
  x.timer_sequence_skip(-1);
  x.timer_sequence_skip(0);
  add(5, "c8");
  assert.is(x.timer_count(), 14);
  assert.is(x.timer_heap_size(), 15);
  provider.setMs(10);
  const order = timerIds(pollEntries(core, 0)).map((id) => byId.get(id));
  assert.equal(order, ["a1", "a2", "a3", "a4", "a5", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"]);
  assert.is(x.timer_count(), 1, "the timer due at +Infinity stays");
});

test("a timer is due when its deadline equals the clock, not before", () => {
  const { core, provider, x } = newCore();
  const id = x.timer_add(2.5);
  provider.setMs(2.499999);
  assert.equal(timerIds(pollEntries(core, 0)), []);
  provider.setMs(2.5);
  assert.equal(timerIds(pollEntries(core, 0)), [id]);
});

test("a poll with no limit waits through one relative monotonic clock subscription for the nearest deadline", () => {
  const { core, provider, x } = newCore();
  x.timer_add(40);
  const id = x.timer_add(12.25);
  const entries = pollEntries(core, -1);
  assert.is(provider.pollCalls, 1);
  const [sub] = provider.calls[0];
  assert.is(provider.calls[0].length, 1);
  assert.is(sub.type, EVENTTYPE_CLOCK);
  assert.is(sub.userdata, CLOCK_USERDATA);
  assert.is(sub.clockId, 1);
  assert.is(sub.flags, 0, "relative timeout");
  assert.is(sub.timeoutNs, 12_250_000n);
  assert.equal(entries, [{ kind: 0, id, flags: 0, nbytes: 0 }]);
  assert.is(x.polled_at(), 12.25);
});

test("the clock subscription's timeout is rounded up to whole ns, so the wait never ends before the deadline", () => {
  const { core, provider, x } = newCore();
  provider.setMs(1);
  const id = x.timer_add(1 + 1.0000001); // 1,000,000.1 ns away
  const entries = pollEntries(core, -1);
  assert.is(provider.calls[0][0].timeoutNs, 1_000_001n);
  assert.equal(timerIds(entries), [id], "due after exactly one wait");
  assert.ok(provider.nowMs() >= 2.0000001);
});

test("a caller's timeout shorter than the nearest deadline limits the wait, and nothing fires early", () => {
  const { core, provider, x } = newCore();
  x.timer_add(100);
  assert.equal(pollEntries(core, 30), []);
  assert.is(provider.calls[0][0].timeoutNs, 30_000_000n);
  assert.is(provider.nowMs(), 30);
  assert.is(x.timer_count(), 1);
  assert.equal(pollEntries(core, 0.5), []);
  assert.is(provider.calls[1][0].timeoutNs, 500_000n);
});

test("huge deadlines (1e15 ms, Number.MAX_VALUE) neither overflow the clock subscription nor fire early", () => {
  const { core, provider, x } = newCore();
  const far = x.timer_add(1e15);
  const farthest = x.timer_add(Number.MAX_VALUE);
  const reachable = x.timer_add(1e12); // ~32 years: within a u64 ns clock
  assert.is(x.timer_cancel(reachable), 1);
  assert.is(x.timer_next(), 1e15);
  assert.equal(pollEntries(core, -1), []);
  assert.is(provider.calls[0][0].timeoutNs, MAX_TIMEOUT_NS, "clamped to ~127 years");
  assert.is(provider.nowNs, MAX_TIMEOUT_NS);
  assert.is(x.timer_count(), 2);
  assert.equal(pollEntries(core, -1), [], "a second clamped wait");
  assert.is(provider.calls[1][0].timeoutNs, MAX_TIMEOUT_NS);
  provider.setMs(1.8e13); // near the top of a u64 ns clock (1.8e19 ns): both are still far away
  assert.equal(pollEntries(core, 0), []);
  assert.is(x.timer_next(), 1e15);
  assert.ok(x.timer_cancel(far));
  assert.is(x.timer_next(), Number.MAX_VALUE);
  assert.ok(x.timer_cancel(farthest));
  assert.is(x.timer_next(), Infinity);
});

test("a deadline decades away fires on time: never before it, within two waits of float-rounded ns", () => {
  const { core, provider, x } = newCore();
  const id = x.timer_add(1e12); // 1e18 ns: past 2^53, so the clock's ms carry rounding
  provider.setMs(1e12 - 1);
  let fired: number[] = [];
  while (fired.length === 0 && provider.pollCalls < 3) fired = timerIds(pollEntries(core, -1));
  assert.equal(fired, [id]);
  assert.ok(provider.pollCalls <= 2, `${provider.pollCalls} waits`);
  assert.ok(provider.nowMs() >= 1e12);
  const waited = provider.calls.reduce((sum, c) => sum + c[0].timeoutNs, 0n);
  assert.ok(waited >= 999_000n && waited <= 1_001_000n, `waited ${waited} ns`);
});

test("past and negative deadlines are due at once, in order, without calling the provider", () => {
  const { core, provider, x } = newCore();
  provider.setMs(50);
  const a = x.timer_add(-1e300);
  const b = x.timer_add(-5);
  const c = x.timer_add(49.9);
  assert.equal(timerIds(pollEntries(core, -1)), [a, b, c]);
  assert.is(provider.pollCalls, 0, "a wait of 0 with no fd of interest skips poll_oneoff");
});

test("cancelling removes a timer; cancelling again, a fired timer or an unknown id returns false and changes nothing", () => {
  const { core, provider, x } = newCore();
  const a = x.timer_add(1);
  const b = x.timer_add(2);
  const c = x.timer_add(3);
  assert.is(x.timer_cancel(b), 1);
  assert.is(x.timer_cancel(b), 0, "twice");
  assert.is(x.timer_count(), 2);
  provider.setMs(1.5);
  assert.equal(timerIds(pollEntries(core, 0)), [a]);
  assert.is(x.timer_cancel(a), 0, "fired");
  for (const unknown of [-1, -(2 ** 31), 3, 1000, 2 ** 31 - 1])
    assert.is(x.timer_cancel(unknown), 0, `unknown ${unknown}`);
  assert.is(x.timer_count(), 1);
  provider.setMs(10);
  assert.equal(timerIds(pollEntries(core, 0)), [c]);
  assert.is(x.timer_count(), 0);
});

test("a live id names one timer: ids are reused only after their timer fired or its cancelled entry left the heap", () => {
  const { core, provider, x } = newCore();
  const ids = Array.from({ length: 100 }, (_, i) => x.timer_add(i));
  for (let i = 0; i < 100; i += 2) x.timer_cancel(ids[i]);
  const live = new Set(ids.filter((_, i) => i % 2 === 1));
  for (let i = 0; i < 100; i++) {
    const id = x.timer_add(1000 + i);
    assert.not.ok(live.has(id), `id ${id} handed out twice`);
    live.add(id);
  }
  provider.setMs(5000);
  const fired = timerIds(pollEntries(core, 0));
  assert.is(fired.length, live.size);
  assert.is(new Set(fired).size, fired.length, "no timer fires twice");
  assert.equal(new Set(fired), live);
  assert.equal(pollEntries(core, 0), []);
});

test("cancelling a fired timer's handle never cancels the next timer that got its core id", () => {
  const host = new VirtualHost();
  const loop = new EventLoop({ host });
  const seen: string[] = [];
  let reusedId = -2;
  const first = loop.callLater(1, () => {
    seen.push("first");
    const second = loop.callLater(5, () => {
      seen.push("second");
      loop.stop();
    });
    reusedId = second._id;
  });
  const firstId = first._id;
  loop.callLater(2, () => first.cancel());
  loop.runForeverSync();
  assert.is(reusedId, firstId, "the core reused the id (the case under test)");
  assert.equal(seen, ["first", "second"]);
  loop.close();
});

test("timer_next skips cancelled timers and is +Infinity for an empty heap", () => {
  const { x } = newCore();
  assert.is(x.timer_next(), Infinity);
  const a = x.timer_add(1);
  x.timer_add(2);
  x.timer_cancel(a);
  assert.is(x.timer_next(), 2);
});

test("compaction keeps the heap proportional to the live timers when most are cancelled", () => {
  const { core, provider, x } = newCore();
  const r = rng(7);
  const ids: number[] = [];
  const whens: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    whens.push(1 + r() * 1000);
    ids.push(x.timer_add(whens[i]));
  }
  for (let i = 0; i < ids.length; i++) {
    if (i % 100 === 0) continue;
    x.timer_cancel(ids[i]);
    const live = x.timer_count();
    assert.ok(x.timer_heap_size() <= live + Math.max(64, live), `heap ${x.timer_heap_size()} for ${live} live`);
  }
  assert.is(x.timer_count(), 200);
  assert.ok(x.timer_heap_size() <= 2 * 200);
  // Repeated add-then-cancel cycles reuse memory instead of growing it.
  const bytes = x.memory.buffer.byteLength;
  for (let round = 0; round < 50; round++) {
    const batch = Array.from({ length: 20_000 }, () => x.timer_add(2000 + r()));
    for (const id of batch) x.timer_cancel(id);
  }
  assert.is(x.memory.buffer.byteLength, bytes, "linear memory did not grow");
  assert.ok(x.timer_heap_size() <= 2 * 200);
  provider.setMs(5000);
  const fired = timerIds(pollEntries(core, 0));
  const survivors = ids.map((id, i) => ({ id, when: whens[i], seq: i })).filter((_, i) => i % 100 === 0);
  survivors.sort((p, q) => p.when - q.when || p.seq - q.seq);
  assert.equal(
    fired,
    survivors.map((t) => t.id),
    "compaction kept (deadline, sequence) order",
  );
  assert.is(x.timer_heap_size(), 0);
});

test("dead entries stay bounded after live timers fire, not only after cancels", () => {
  const { core, provider, x } = newCore();
  for (let i = 0; i < 1000; i++) x.timer_add(1 + i * 0.001); // fire soon
  const late = Array.from({ length: 1000 }, (_, i) => x.timer_add(1e6 + i));
  for (let i = 0; i < 999; i++) x.timer_cancel(late[i]); // 999 dead < 1001 live: no compaction yet
  provider.setMs(10);
  assert.is(timerIds(pollEntries(core, 0)).length, 1000);
  const live = x.timer_count();
  assert.is(live, 1);
  assert.ok(x.timer_heap_size() <= live + 64, `heap holds ${x.timer_heap_size()} entries for ${live} live timer`);
  provider.setMs(2e6);
  assert.equal(timerIds(pollEntries(core, 0)), [late[999]]);
});

test("the core exports TIMER_BATCH and the loop's Core reads it from there", () => {
  const { core, x } = newCore();
  assert.is(x.TIMER_BATCH.value, TIMER_BATCH);
  assert.is(core.timerBatch, TIMER_BATCH);
});

test("a poll hands out at most TIMER_BATCH (4096) timers and the rest, in order, on the next polls", () => {
  const { core, provider, x } = newCore();
  const r = rng(11);
  const expected: { when: number; seq: number; id: number }[] = [];
  for (let i = 0; i < 10_000; i++) {
    const when = Math.floor(r() * 20);
    expected.push({ when, seq: i, id: x.timer_add(when) });
  }
  expected.sort((p, q) => p.when - q.when || p.seq - q.seq);
  provider.setMs(100);
  const first = timerIds(pollEntries(core, -1));
  const second = timerIds(pollEntries(core, -1));
  const third = timerIds(pollEntries(core, -1));
  assert.equal([first.length, second.length, third.length], [TIMER_BATCH, TIMER_BATCH, 10_000 - 2 * TIMER_BATCH]);
  assert.equal(
    [...first, ...second, ...third],
    expected.map((e) => e.id),
  );
  assert.is(provider.pollCalls, 0, "due timers never wait");
  assert.is(core.poll(-1), -16, "then nothing is left to wait for");
});

test("a poll with nothing to wait for and no limit returns -16 without calling the provider", () => {
  const { core, provider, x } = newCore();
  assert.is(core.poll(-1), -16);
  const id = x.timer_add(5);
  x.timer_cancel(id);
  assert.is(core.poll(-1), -16);
  assert.is(core.poll(0), 0, "a zero timeout is not a wait");
  assert.is(provider.pollCalls, 0);
});

test("an error from poll_oneoff that no single fd causes comes back as a negative errno and leaves the timers alone", () => {
  const { core, provider, x } = newCore();
  x.watch(3, 1);
  x.watch(4, 1);
  const id = x.timer_add(0);
  provider.answer = (subs) => (subs.length > 2 ? { errno: 29 } : []);
  assert.is(core.poll(0), -29);
  provider.answer = () => [];
  assert.equal(timerIds(pollEntries(core, 0)), [id]);
});

test.run();
