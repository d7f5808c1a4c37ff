// The core's `reset` export and the pool of idle instances (src/core/instance-pool.ts): an
// instance given back is emptied, serves the next core as a new one would, holds no provider
// while it waits, and is not kept when the pool is full or its memory grew large.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { IDLE_MEMORY_MAX, MAX_IDLE, idleInstances } from "../../src/core/instance-pool.js";
import { POLL_WOULD_BLOCK_FOREVER } from "../../src/core/core.js";
import { EVENTTYPE_CLOCK, newCore, pollEntries } from "./test-provider.js";

const EBADF = 8;
const KIND_READ = 1;

test("a released instance serves the next core emptied: ids, order, interest and sticky fds start over", () => {
  const first = newCore();
  const { x: x1, provider: p1 } = first;
  for (let i = 0; i < 300; i++) x1.timer_add(i % 7);
  for (let id = 0; id < 300; id += 2) x1.timer_cancel(id);
  x1.timer_sequence_skip(1e6);
  x1.watch(3, 3);
  x1.watch(9, 1);
  p1.fdstat = (fd) => (fd === 9 ? { errno: EBADF } : { filetype: 0 });
  x1.watch(11, 1); // sticky: the provider says it does not exist
  p1.setMs(3);
  assert.ok(pollEntries(first.core, 0).length > 0);
  first.core.release();

  const { core, provider, x } = newCore();
  assert.is(x, x1, "the same instance");
  assert.is(x.timer_count(), 0);
  assert.is(x.timer_heap_size(), 0);
  assert.is(x.polled_at(), 0);
  for (const fd of [3, 9, 11]) assert.is(x.interest_of(fd), 0, `fd ${fd}`);
  assert.is(core.poll(-1), POLL_WOULD_BLOCK_FOREVER, "nothing to wait for: no stale sticky fd or timer");
  assert.equal(provider.calls, []);
  const ids = [x.timer_add(5), x.timer_add(2), x.timer_add(5)];
  assert.equal(ids, [0, 1, 2], "ids start from 0 as in a new instance");
  provider.setMs(5);
  assert.equal(
    pollEntries(core, 0).map((e) => e.id),
    [1, 0, 2],
  );
  x.watch(11, 1);
  assert.equal(pollEntries(core, 0), [], "fd 11 is an ordinary subscription for this provider");
  assert.equal(
    provider.calls
      .at(-1)!
      .filter((s) => s.type !== EVENTTYPE_CLOCK)
      .map((s) => s.fd),
    [11],
  );
  core.release();
});

test("a released instance forgets that its last provider rounded clock timeouts down", () => {
  const first = newCore();
  first.provider.jumpFor = (ns) => (ns / 1_000_000n) * 1_000_000n;
  first.x.timer_add(10.5);
  assert.equal(pollEntries(first.core, -1), []); // woke early: the core learns it
  assert.is(pollEntries(first.core, -1).length, 1);
  first.core.release();

  const { core, provider, x } = newCore();
  assert.is(x, first.x, "the same instance");
  x.timer_add(7.3);
  assert.is(pollEntries(core, -1).length, 1);
  const clock = provider.calls.at(-1)!.find((s) => s.type === EVENTTYPE_CLOCK)!;
  assert.is(clock.timeoutNs, 7_300_000n, "exact ns again, not whole ms plus one");
  core.release();
});

test("an idle instance holds no provider: a call that needs one throws", () => {
  const { core, x } = newCore();
  core.release();
  core.release(); // a second release does nothing
  assert.throws(() => x.now(), /no event loop owns it/);
  const again = newCore(); // and the pool still hands it out, bound to the new provider
  assert.is(again.x, x);
  assert.is(typeof x.now(), "number");
  again.core.release();
});

test("an instance whose memory grew past the limit is dropped, not kept", () => {
  const { core, x } = newCore();
  const before = idleInstances();
  for (let i = 0; i < 100_000; i++) x.timer_add(i);
  assert.ok(x.memory.buffer.byteLength > IDLE_MEMORY_MAX);
  core.release();
  assert.is(idleInstances(), before);
  const next = newCore();
  assert.is.not(next.x, x);
  next.core.release();
});

test("cores alive at once never share an instance, and at most MAX_IDLE wait", () => {
  const cores = Array.from({ length: MAX_IDLE + 2 }, () => newCore());
  assert.is(new Set(cores.map((c) => c.x)).size, cores.length);
  assert.is(idleInstances(), 0);
  for (const c of cores) c.core.release();
  assert.is(idleInstances(), MAX_IDLE);
});

test("a released instance's sticky fd of the old provider is not reported to the new one", () => {
  const first = newCore();
  first.provider.fdstat = () => ({ errno: EBADF });
  first.x.watch(5, 1);
  assert.equal(pollEntries(first.core, 0), [{ kind: KIND_READ, id: 5, flags: EBADF << 16, nbytes: 0 }]);
  first.core.release();
  const { core, x } = newCore();
  assert.is(x, first.x);
  x.timer_add(1);
  assert.equal(pollEntries(core, 0), []);
  core.release();
});

test.run();
