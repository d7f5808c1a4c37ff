// The event loop waits only through the core: every iteration that waits is one core.poll, which
// is one poll_oneoff call whose clock subscription is the core heap's nearest deadline, and the
// order timers run in is the order the core's ready buffer lists them. Driven by a real EventLoop
// on a VirtualHost whose poll_oneoff is wrapped to record what the core asked for.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop } from "../../src/io/event-loop.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import type { WasiImports } from "../../src/hosts/host.js";
import type { TimerHandle } from "../../src/loop/handle.js";
import {
  decodeSubscription,
  EVENTTYPE_CLOCK,
  readEntries,
  rng,
  type Ready,
  type Subscription,
} from "./test-provider.js";

/** A VirtualHost that records the subscriptions of every poll_oneoff call. */
class RecordingHost extends VirtualHost {
  readonly polls: Subscription[][] = [];
  override wasiImports(memory: () => WebAssembly.Memory): WasiImports {
    const imports = super.wasiImports(memory);
    const inner = imports.poll_oneoff;
    imports.poll_oneoff = (subs: number, events: number, nsubs: number, nevents: number) => {
      const view = new DataView(memory().buffer);
      this.polls.push(Array.from({ length: nsubs }, (_, i) => decodeSubscription(view, subs + i * 48)));
      return inner(subs, events, nsubs, nevents);
    };
    return imports;
  }
}

interface PollRecord {
  timeoutMs: number;
  result: number;
  entries: Ready[];
  calls: number;
  before: number;
  after: number;
}

/** A loop on a RecordingHost whose core.poll calls are recorded too. */
function spiedLoop() {
  const host = new RecordingHost();
  const loop = new EventLoop({ host });
  const core = loop._core;
  const polls: PollRecord[] = [];
  const poll = core.poll.bind(core);
  core.poll = (timeoutMs: number) => {
    const calls = host.pollCalls;
    const before = host.now();
    const result = poll(timeoutMs);
    polls.push({
      timeoutMs,
      result,
      entries: result > 0 ? readEntries(core, result) : [],
      calls: host.pollCalls - calls,
      before,
      after: host.now(),
    });
    return result;
  };
  return { host, loop, polls };
}

test("every iteration that waits is one poll_oneoff call whose clock is the heap's nearest deadline", () => {
  const { host, loop, polls } = spiedLoop();
  const r = rng(3);
  const deadlines = Array.from({ length: 300 }, () => 1 + Math.floor(r() * 500));
  const last = Math.max(...deadlines);
  let fired = 0;
  for (const d of deadlines)
    loop.callLater(d, () => {
      if (++fired === deadlines.length) loop.stop();
    });
  loop.runForeverSync();
  assert.is(fired, deadlines.length);
  assert.is(loop.time(), last);

  assert.is(
    host.pollCalls,
    polls.reduce((sum, p) => sum + p.calls, 0),
    "poll_oneoff is only ever called from core.poll",
  );
  assert.ok(
    polls.every((p) => p.calls <= 1),
    "one poll_oneoff per core.poll",
  );
  const waits = polls.filter((p) => p.timeoutMs < 0);
  assert.is(waits.length, new Set(deadlines).size, "one waiting iteration per distinct deadline");
  let expected = 0;
  for (const [i, p] of waits.entries()) {
    assert.is(p.calls, 1, `wait ${i} went through poll_oneoff`);
    const subs = host.polls[i];
    const clock = subs.find((s) => s.type === EVENTTYPE_CLOCK);
    assert.ok(clock !== undefined, "the wait had a clock subscription");
    const nearest = [...new Set(deadlines)].sort((a, b) => a - b)[i];
    assert.is(Number(clock!.timeoutNs), Math.ceil((nearest - expected) * 1e6), `wait ${i}: until the nearest deadline`);
    assert.ok(
      subs.some((s) => s.fd === host.wakeupFd),
      "the wake-up fd is always watched",
    );
    assert.is(p.after, nearest, "the clock moved only inside that poll_oneoff");
    expected = nearest;
  }
  // the simulated clock moved only inside poll_oneoff
  assert.ok(polls.every((p, i) => i === 0 || p.before === polls[i - 1].after));
  loop.close();
});

test("timers run in exactly the order the core's ready buffer lists them, which is (deadline, scheduling) order", () => {
  const { loop, polls } = spiedLoop();
  const r = rng(9);
  const handles = new Map<TimerHandle, number>();
  const order: number[] = [];
  const scheduled: { when: number; seq: number }[] = [];
  const idsByPoll: number[][] = [];
  for (let i = 0; i < 2000; i++) {
    const when = Math.floor(r() * 40); // many ties
    scheduled.push({ when, seq: i });
    const h = loop.callLater(when, () => order.push(i));
    handles.set(h, i);
  }
  // translate each poll's timer entries (core ids) to scheduling indexes at dispatch time; the
  // loop hands new timers to the core in one batch before its next poll, so do that first
  (loop as any).flushTimers();
  const timerOf = new Map<number, number>();
  for (const [h, i] of handles) timerOf.set(h._id, i);
  loop.callLater(100, () => loop.stop());
  loop.runForeverSync();
  for (const p of polls) idsByPoll.push(p.entries.filter((e) => e.kind === 0).map((e) => e.id));
  const fromCore = idsByPoll
    .flat()
    .map((id) => timerOf.get(id))
    .filter((i) => i !== undefined);
  assert.equal(order, fromCore, "callbacks ran in ready-buffer order");
  const sorted = [...scheduled].sort((a, b) => a.when - b.when || a.seq - b.seq).map((t) => t.seq);
  assert.equal(order, sorted);
  loop.close();
});

test("more due timers than TIMER_BATCH take several core polls, still in order, without waiting", () => {
  const { loop, polls, host } = spiedLoop();
  const order: number[] = [];
  const n = 10_000;
  for (let i = 0; i < n; i++) loop.callLater(5 + (i % 3), () => order.push(i));
  loop.callLater(50, () => loop.stop());
  loop.runForeverSync();
  const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => (a % 3) - (b % 3) || a - b);
  assert.equal(order, expected);
  const batches = polls.map((p) => p.entries.filter((e) => e.kind === 0).length).filter((k) => k > 0);
  assert.ok(
    batches.every((k) => k <= 4096),
    `batches ${batches}`,
  );
  assert.ok(batches.length >= 3, `batches ${batches}`);
  assert.ok(host.now() === 50);
  loop.close();
});

test("fd readiness reaches callbacks through the same poll_oneoff call, as an event the core maps back", () => {
  const { host, loop, polls } = spiedLoop();
  const [rfd, wfd] = host.pipe();
  const got: number[] = [];
  loop.addReader(rfd, () => {
    const n = host.read(rfd, new Uint8Array(16));
    got.push(loop.time());
    if (n > 0 && got.length === 2) loop.stop();
  });
  loop.callLater(10, () => host.write(wfd, "a"));
  loop.callLater(20, () => host.write(wfd, "b"));
  loop.runForeverSync();
  assert.equal(got, [10, 20]);
  const readies = polls.filter((p) => p.entries.some((e) => e.kind === 1 && e.id === rfd));
  assert.is(readies.length, 2);
  assert.ok(readies.every((p) => p.calls === 1));
  for (const subs of host.polls)
    assert.ok(
      subs.some((s) => s.fd === rfd && s.type === 1),
      "the reader's fd is subscribed on every poll",
    );
  loop.close();
});

test.run();
