// Bad input throws at the call, and a primitive belongs to the loop it is first used on.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { Barrier } from "../../src/sync/barrier.js";
import { Condition } from "../../src/sync/condition.js";
import { Event } from "../../src/sync/event.js";
import * as sync from "../../src/sync/index.js";
import { Lock } from "../../src/sync/lock.js";
import { PriorityQueue } from "../../src/sync/priority-queue.js";
import { Queue } from "../../src/sync/queue.js";
import { BoundedSemaphore, Semaphore } from "../../src/sync/semaphore.js";
import { createTask } from "../../src/tasks/create-task.js";
import * as wasio from "../../src/index.js";
import { runVirtual, isA } from "../helpers.js";

test("sizes and counts are checked at construction", () => {
  assert.throws(() => new Queue(NaN), isA(RangeError));
  assert.throws(() => new Queue(-1), isA(RangeError));
  assert.throws(() => new Queue(2.5), isA(RangeError));
  assert.throws(() => new Queue(Infinity), isA(RangeError));
  assert.throws(() => new Queue("3" as any), isA(TypeError));
  assert.throws(() => new Semaphore(-1), isA(RangeError));
  assert.throws(() => new Semaphore(null as any), isA(TypeError));
  assert.throws(() => new BoundedSemaphore(0.5), isA(RangeError));
  assert.throws(() => new Barrier(0), isA(RangeError));
  assert.throws(() => new Barrier(NaN), isA(RangeError));
  assert.is(new Queue().maxsize, 0);
  assert.is(new Semaphore(0)._value, 0);
});

test("bad arguments to methods throw at the call, before anything runs", () => {
  const cond = new Condition();
  assert.throws(() => cond.waitFor(null as any), isA(TypeError));
  assert.throws(() => cond.notify(-2), isA(RangeError));
  assert.throws(() => new Condition(new Semaphore() as any), isA(TypeError));
  assert.throws(() => new Queue().shutdown(1 as any), isA(TypeError));
  assert.throws(() => new PriorityQueue().put({} as any), isA(TypeError));
  assert.throws(() => new PriorityQueue({ compare: "desc" as any }), isA(TypeError));
});

test("releasing what is not held throws a clear Error", () => {
  assert.throws(
    () => new Lock().release(),
    (e: unknown) => e instanceof Error && e.message === "Lock is not acquired.",
  );
  assert.throws(() => new BoundedSemaphore(2).release(), /released too many times/);
  assert.throws(() => new Queue().taskDone(), /too many times/);
});

test("a primitive used on one loop throws a clear Error on another", () => {
  const lock = new Lock();
  const q = new Queue<number>();
  const ev = new Event();
  const sem = new Semaphore(0);
  runVirtual(function* () {
    yield* lock.acquire();
    lock.release();
    yield* q.put(1);
    ev.set();
    sem.release();
  });
  const foreign = /bound to a different event loop/;
  runVirtual(function* () {
    for (const coro of [lock.acquire(), q.get(), ev.wait(), sem.acquire()]) {
      try {
        yield* coro;
        assert.unreachable("expected the loop check to throw");
      } catch (e) {
        assert.instance(e, Error);
        assert.match((e as Error).message, foreign);
      }
    }
    assert.throws(() => q.putNowait(2), foreign);
    assert.throws(() => ev.set(), foreign);
    assert.throws(() => sem.release(), foreign);
  });
});

test("a primitive made and used outside any loop binds to the first loop that uses it", () => {
  const q = new Queue<number>();
  q.putNowait(1); // no running loop: allowed, binds nothing
  const got = runVirtual(function* () {
    const t = createTask(q.get());
    return yield* t;
  });
  assert.is(got, 1);
  assert.ok(q._loop !== null);
  assert.throws(
    () =>
      runVirtual(function* () {
        yield* q.put(2);
      }),
    /different event loop/,
  );
});

test("everything is exported from the sync barrel and the package root", () => {
  for (const name of [
    "Lock",
    "Event",
    "Condition",
    "Semaphore",
    "BoundedSemaphore",
    "Barrier",
    "Queue",
    "PriorityQueue",
    "LifoQueue",
  ]) {
    assert.type((sync as Record<string, unknown>)[name], "function", name);
    assert.is((wasio as Record<string, unknown>)[name], (sync as Record<string, unknown>)[name], name);
  }
});

test.run();
