// How the core pins provider trouble on the fd that causes it, as real runtimes report it:
// wasmtime fails a whole poll_oneoff with EBADF for one bad fd, node:wasi answers an all-zero
// event for it (or ignores it while a clock waits), and fails every poll with EPERM while a regular
// file or /dev/null is watched; and how a provider that truncates clock timeouts to whole ms
// costs at most one extra poll per timer.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { EVENTTYPE_CLOCK, newCore, pollEntries, type Subscription } from "./test-provider.js";

const EBADF = 8;
const EPERM = 63;
const FILETYPE_CHARACTER_DEVICE = 2;
const FILETYPE_REGULAR_FILE = 4;
const KIND_READ = 1;

const watchedFds = (subs: Subscription[]): number[] =>
  subs
    .filter((s) => s.type !== EVENTTYPE_CLOCK)
    .map((s) => s.fd)
    .sort();

test("wasmtime's whole-poll EBADF for one fd reaches that fd's entry; the other fds and the timers go on", () => {
  const { core, provider, x } = newCore();
  x.watch(3, 1);
  x.watch(9, 1);
  const id = x.timer_add(provider.nowMs() + 5);
  provider.answer = (subs) => (watchedFds(subs).includes(9) ? { errno: EBADF } : [{ fd: 3, dir: 0, nbytes: 4 }]);
  const first = pollEntries(core, -1);
  assert.equal(
    first.filter((e) => e.kind !== 0).sort((a, b) => a.id - b.id),
    [
      { kind: KIND_READ, id: 3, flags: 0, nbytes: 4 },
      { kind: KIND_READ, id: 9, flags: EBADF << 16, nbytes: 0 },
    ],
  );
  // Later polls leave fd 9 out of the subscriptions and report it again (level-triggered).
  provider.answer = () => [];
  provider.advanceMs(5);
  const second = pollEntries(core, -1);
  assert.equal(watchedFds(provider.calls.at(-1)!), [3]);
  assert.equal(second, [
    { kind: KIND_READ, id: 9, flags: EBADF << 16, nbytes: 0 },
    { kind: 0, id, flags: 0, nbytes: 0 },
  ]);
  // Removing the interest ends it: the loop waits again.
  x.watch(9, 0);
  assert.is(x.interest_of(9), 0);
  assert.equal(pollEntries(core, 10), []);
});

test("node:wasi's all-zero event for a closed fd becomes EBADF on that fd instead of a spin", () => {
  const { core, provider, x } = newCore();
  x.watch(3, 1);
  x.watch(9, 1);
  // fd 9 was open when watched and closed since: the provider answers an all-zero event.
  provider.fdstat = (fd) => (fd === 9 ? { errno: EBADF } : { filetype: FILETYPE_CHARACTER_DEVICE });
  provider.answer = (subs) => (watchedFds(subs).includes(9) ? { zeroEvent: true } : []);
  assert.equal(pollEntries(core, -1), [{ kind: KIND_READ, id: 9, flags: EBADF << 16, nbytes: 0 }]);
});

test("watching an fd that fd_fdstat_get says does not exist reports EBADF on it without asking poll_oneoff", () => {
  const { core, provider, x } = newCore();
  provider.fdstat = (fd) => (fd === 7 ? { errno: EBADF } : { filetype: 0 });
  assert.is(x.watch(7, 2), 0);
  assert.is(x.interest_of(7), 2);
  const calls = provider.pollCalls;
  assert.equal(pollEntries(core, -1), [{ kind: 2, id: 7, flags: EBADF << 16, nbytes: 0 }]);
  assert.is(provider.pollCalls, calls, "nothing else to poll: the provider is not called");
  x.watch(7, 0);
  assert.is(core.poll(-1), -16, "nothing left to wait for");
});

test("a regular file is always ready, in both directions, and timers still expire beside it", () => {
  const { core, provider, x } = newCore();
  provider.fdstat = (fd) => ({ filetype: fd === 0 ? FILETYPE_REGULAR_FILE : 0 });
  x.watch(0, 3);
  const id = x.timer_add(provider.nowMs());
  const entries = pollEntries(core, -1);
  assert.equal(entries.map((e) => [e.kind, e.id, e.flags]).sort(), [
    [0, id, 0],
    [1, 0, 0],
    [2, 0, 0],
  ]);
  assert.equal(
    pollEntries(core, -1)
      .map((e) => [e.kind, e.id])
      .sort(),
    [
      [1, 0],
      [2, 0],
    ],
  );
});

test("node:wasi's EPERM for /dev/null (which it cannot poll) makes that fd always ready", () => {
  const { core, provider, x } = newCore();
  provider.fdstat = () => ({ filetype: FILETYPE_CHARACTER_DEVICE });
  x.watch(0, 1);
  x.watch(4, 1);
  provider.answer = (subs) => (watchedFds(subs).includes(0) ? { errno: EPERM } : []);
  assert.equal(pollEntries(core, -1), [{ kind: KIND_READ, id: 0, flags: 0, nbytes: 0 }]);
  assert.equal(pollEntries(core, 50), [{ kind: KIND_READ, id: 0, flags: 0, nbytes: 0 }]);
  assert.equal(watchedFds(provider.calls.at(-1)!), [4], "fd 4 is still polled");
});

test("a provider that truncates clock timeouts to whole ms costs at most one extra poll per timer", () => {
  const { core, provider, x } = newCore();
  provider.jumpFor = (ns) => (ns / 1_000_000n) * 1_000_000n;
  const pollsUntilPop = (delayMs: number): number => {
    const id = x.timer_add(provider.nowMs() + delayMs);
    for (let polls = 1; polls <= 100; polls++) {
      const entries = pollEntries(core, -1);
      if (entries.length > 0) {
        assert.equal(entries, [{ kind: 0, id, flags: 0, nbytes: 0 }]);
        assert.ok(x.polled_at() >= provider.nowMs() - 1e-9);
        return polls;
      }
    }
    throw new Error("the timer never popped");
  };
  assert.is(pollsUntilPop(10.5), 2, "the first early wake-up teaches the core");
  for (const delay of [7.3, 0.25, 3, 12.999]) assert.is(pollsUntilPop(delay), 1, `a ${delay} ms timer`);
});

test("a provider that honours ns timeouts keeps getting them exact", () => {
  const { core, provider, x } = newCore();
  for (const delay of [10.5, 7.3, 0.25]) {
    x.timer_add(provider.nowMs() + delay);
    assert.is(pollEntries(core, -1).length, 1);
    const clock = provider.calls.at(-1)!.find((s) => s.type === EVENTTYPE_CLOCK)!;
    assert.ok(Math.abs(Number(clock.timeoutNs) - delay * 1e6) <= 1, `timeout ${clock.timeoutNs} ns for ${delay} ms`);
  }
});

test.run();
