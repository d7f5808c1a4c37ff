// The core's fd interest table (watch, interest_of) and how poll turns it into poll_oneoff
// subscriptions and turns the provider's events back into ready entries.

import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  CLOCK_USERDATA,
  EVENTTYPE_CLOCK,
  EVENTTYPE_FD_READ,
  EVENTTYPE_FD_WRITE,
  newCore,
  pollEntries,
  rng,
  type Subscription,
  type TestProvider,
} from "./test-provider.js";
import {
  INTEREST_READ,
  INTEREST_WRITE,
  POLL_WOULD_BLOCK_FOREVER,
  READY_READ,
  READY_WRITE,
} from "../../src/core/core.js";
import { ERRNO_BADF, ERRNO_DEADLK, ERRNO_INVAL } from "../../src/hosts/errno.js";

const MAX_FD = 2 ** 24;

/** The (fd, direction) pairs of a poll's fd subscriptions, checked for shape, as sorted keys. */
function fdKeys(subs: Subscription[]): string[] {
  const keys: string[] = [];
  for (const s of subs) {
    if (s.type === EVENTTYPE_CLOCK) continue;
    const dir = s.type === EVENTTYPE_FD_READ ? 0 : 1;
    assert.ok(s.type === EVENTTYPE_FD_READ || s.type === EVENTTYPE_FD_WRITE, `type ${s.type}`);
    assert.is(s.userdata, BigInt(s.fd * 2 + dir), `userdata of fd ${s.fd} dir ${dir}`);
    keys.push(`${s.fd}:${dir}`);
  }
  return keys.sort();
}

function modelKeys(model: Map<number, number>): string[] {
  const keys: string[] = [];
  for (const [fd, mask] of model) {
    if (mask & 1) keys.push(`${fd}:0`);
    if (mask & 2) keys.push(`${fd}:1`);
  }
  return keys.sort();
}

function lastCall(provider: TestProvider): Subscription[] {
  const call = provider.calls.at(-1);
  assert.ok(call !== undefined, "the provider was called");
  return call!;
}

test("watching and unwatching many fds in random order keeps interest_of and the subscriptions equal to a model", () => {
  const { core, provider, x } = newCore();
  const r = rng(42);
  const model = new Map<number, number>();
  for (let op = 1; op <= 6000; op++) {
    const fd = r() < 0.1 ? Math.floor(r() * 5000) : Math.floor(r() * 300);
    const mask = r() < 0.35 ? 0 : 1 + Math.floor(r() * 3);
    assert.is(x.watch(fd, mask), 0);
    if (mask === 0) model.delete(fd);
    else model.set(fd, mask);
    assert.is(x.interest_of(fd), mask, `interest_of(${fd}) after op ${op}`);
    if (op % 250 === 0) {
      const calls = provider.pollCalls;
      assert.is(core.poll(0), 0);
      assert.is(provider.pollCalls, calls + (model.size > 0 ? 1 : 0), "one poll_oneoff call per poll with interests");
      if (model.size === 0) continue;
      const subs = lastCall(provider);
      assert.equal(fdKeys(subs), modelKeys(model), `subscriptions after op ${op}`);
      const clocks = subs.filter((s) => s.type === EVENTTYPE_CLOCK);
      assert.is(clocks.length, 1, "a zero timeout is a clock subscription of 0 ns");
      assert.is(clocks[0].timeoutNs, 0n);
    }
  }
  for (let fd = 0; fd < 5100; fd++) assert.is(x.interest_of(fd), model.get(fd) ?? 0, `interest_of(${fd})`);
  // and removing everything leaves nothing to wait for
  for (const fd of [...model.keys()]) x.watch(fd, 0);
  const calls = provider.pollCalls;
  assert.is(core.poll(-1), -16);
  assert.is(provider.pollCalls, calls);
});

test("setting the same interest twice subscribes once, and mask 0 removes both directions", () => {
  const { core, provider, x } = newCore();
  x.watch(3, 1);
  x.watch(3, 1);
  x.watch(4, 3);
  x.watch(4, 3);
  core.poll(0);
  assert.equal(fdKeys(lastCall(provider)), ["3:0", "4:0", "4:1"]);
  x.watch(4, 2);
  core.poll(0);
  assert.equal(fdKeys(lastCall(provider)), ["3:0", "4:1"]);
  x.watch(4, 0);
  x.watch(3, 0);
  assert.is(x.interest_of(3), 0);
  assert.is(x.interest_of(4), 0);
  assert.is(core.poll(-1), -16);
});

test("with no timer and no limit the provider gets the fd subscriptions only, and blocks on them", () => {
  const { core, provider, x } = newCore();
  x.watch(9, 1);
  x.watch(12, 2);
  provider.answer = () => [{ fd: 12, dir: 1 }];
  assert.equal(pollEntries(core, -1), [{ kind: 2, id: 12, flags: 0, nbytes: 0 }]);
  const subs = lastCall(provider);
  assert.is(subs.length, 2);
  assert.not.ok(subs.some((s) => s.type === EVENTTYPE_CLOCK));
});

test("with a timer the one clock subscription carries the nearest deadline next to the fds", () => {
  const { core, provider, x } = newCore();
  x.watch(5, 3);
  const id = x.timer_add(25);
  x.timer_add(80);
  const entries = pollEntries(core, -1);
  const subs = lastCall(provider);
  assert.is(subs.length, 3);
  assert.is(subs[0].type, EVENTTYPE_CLOCK, "the clock is slot 0");
  assert.is(subs[0].userdata, CLOCK_USERDATA);
  assert.is(subs[0].timeoutNs, 25_000_000n);
  assert.equal(fdKeys(subs), ["5:0", "5:1"]);
  assert.equal(entries, [{ kind: 0, id, flags: 0, nbytes: 0 }], "the clock elapsed: the timer is due");
});

test("the TypeScript names of the core's codes are its values, and a ready kind is its direction's interest bit", () => {
  const { core, provider, x } = newCore();
  assert.is(core.poll(-1), POLL_WOULD_BLOCK_FOREVER);
  assert.is(POLL_WOULD_BLOCK_FOREVER, -ERRNO_DEADLK);
  assert.is(x.watch(-1, INTEREST_READ), -ERRNO_BADF);
  assert.is(x.watch(3, 4), -ERRNO_INVAL);
  x.watch(5, INTEREST_READ | INTEREST_WRITE);
  provider.answer = () => [
    { fd: 5, dir: 0 },
    { fd: 5, dir: 1 },
  ];
  const kinds = pollEntries(core, 0).map((e) => e.kind);
  assert.equal(kinds, [READY_READ, READY_WRITE]);
  assert.equal(kinds, [INTEREST_READ, INTEREST_WRITE]);
});

test("fds outside [0, 2^24) are rejected with -8 and bad masks with -28, changing nothing", () => {
  const { core, provider, x } = newCore();
  x.watch(3, 1);
  for (const fd of [-1, -(2 ** 31), MAX_FD, MAX_FD + 1, 2 ** 31 - 1]) {
    assert.is(x.watch(fd, 1), -8, `watch(${fd})`);
    assert.is(x.interest_of(fd), 0);
  }
  for (const mask of [-1, 4, 255]) assert.is(x.watch(3, mask), -28, `mask ${mask}`);
  assert.is(x.interest_of(3), 1);
  core.poll(0);
  assert.equal(fdKeys(lastCall(provider)), ["3:0"]);
  assert.throws(() => core.watch(MAX_FD, 1), RangeError, "the TypeScript wrapper turns the errno into a RangeError");
});

test("the largest fd, 2^24 - 1, is accepted and round-trips through userdata", () => {
  const { core, provider, x } = newCore();
  const fd = MAX_FD - 1;
  assert.is(x.watch(fd, 3), 0);
  assert.is(x.interest_of(fd), 3);
  provider.answer = () => [
    { fd, dir: 1 },
    { fd, dir: 0, nbytes: 1 },
  ];
  assert.equal(pollEntries(core, -1), [
    { kind: 2, id: fd, flags: 0, nbytes: 0 },
    { kind: 1, id: fd, flags: 0, nbytes: 1 },
  ]);
  assert.equal(
    lastCall(provider).map((s) => s.userdata),
    [BigInt(fd) * 2n, BigInt(fd) * 2n + 1n],
  );
});

test("events map back to their fd and direction, in the provider's order, with errno, hangup and nbytes", () => {
  const { core, provider, x } = newCore();
  x.watch(3, 1);
  x.watch(4, 2);
  x.watch(5, 3);
  x.watch(7, 1);
  x.watch(8, 1); // stays quiet
  provider.answer = () => [
    { fd: 5, dir: 1, flags: 1 },
    { fd: 3, dir: 0, nbytes: 42 },
    { fd: 7, dir: 0, errno: 54, flags: 1 },
    { fd: 5, dir: 0, nbytes: 2n ** 40n },
    { fd: 4, dir: 1, errno: 8 },
  ];
  assert.equal(pollEntries(core, -1), [
    { kind: 2, id: 5, flags: 1, nbytes: 0 },
    { kind: 1, id: 3, flags: 0, nbytes: 42 },
    { kind: 1, id: 7, flags: (54 << 16) | 1, nbytes: 0 },
    { kind: 1, id: 5, flags: 0, nbytes: 2 ** 31 - 1 },
    { kind: 2, id: 4, flags: 8 << 16, nbytes: 0 },
  ]);
});

test("fd entries come before due timers, and a clock event is never taken for an fd", () => {
  const { core, provider, x } = newCore();
  x.watch(6, 1);
  const a = x.timer_add(0);
  const b = x.timer_add(0);
  provider.clockEventToo = true;
  provider.answer = () => [{ fd: 6, dir: 0, nbytes: 3 }];
  assert.equal(pollEntries(core, 0), [
    { kind: 1, id: 6, flags: 0, nbytes: 3 },
    { kind: 0, id: a, flags: 0, nbytes: 0 },
    { kind: 0, id: b, flags: 0, nbytes: 0 },
  ]);
});

test("readiness is level-triggered: the subscriptions persist and a ready fd is reported on every poll", () => {
  const { core, provider, x } = newCore();
  x.watch(3, 1);
  provider.answer = () => [{ fd: 3, dir: 0, nbytes: 10 }];
  for (let i = 0; i < 3; i++) assert.equal(pollEntries(core, -1), [{ kind: 1, id: 3, flags: 0, nbytes: 10 }]);
  assert.is(provider.pollCalls, 3);
  assert.ok(provider.calls.every((c) => fdKeys(c).join() === "3:0"));
});

test("thousands of interests and events all come back, as the buffers grow", () => {
  const { core, provider, x } = newCore();
  const n = 20_000;
  for (let fd = 0; fd < n; fd++) x.watch(fd, 3);
  x.timer_add(0);
  provider.answer = (subs) =>
    subs
      .filter((s) => s.type !== EVENTTYPE_CLOCK)
      .reverse()
      .map((s) => ({ fd: s.fd, dir: s.type === EVENTTYPE_FD_READ ? 0 : 1, nbytes: s.fd }) as const);
  const entries = pollEntries(core, 0);
  assert.is(entries.length, 2 * n + 1);
  const subs = lastCall(provider);
  assert.is(subs.length, 2 * n + 1);
  const fdSubs = subs.filter((s) => s.type !== EVENTTYPE_CLOCK).reverse();
  for (let i = 0; i < 2 * n; i++) {
    const s = fdSubs[i];
    const e = entries[i];
    assert.ok(e.kind === (s.type === EVENTTYPE_FD_READ ? 1 : 2) && e.id === s.fd && e.nbytes === s.fd, `entry ${i}`);
  }
  assert.is(entries[2 * n].kind, 0);
});

test("an error from the provider that no single fd causes is returned as a negative errno", () => {
  const { core, provider, x } = newCore();
  x.watch(3, 1);
  x.watch(4, 1);
  provider.answer = (subs) => (subs.filter((s) => s.type !== EVENTTYPE_CLOCK).length > 1 ? { errno: 28 } : []);
  assert.is(core.poll(-1), -28);
});

test.run();
