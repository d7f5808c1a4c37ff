// Lock: FIFO fairness and the cancellation races asyncio 3.13's test_locks pins down.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError, TimeoutError } from "../../src/errors.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { Lock } from "../../src/sync/lock.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { Future } from "../../src/tasks/future.js";
import { sleep } from "../../src/tasks/sleep.js";
import { waitFor } from "../../src/tasks/wait-for.js";
import { runVirtual, waiters, rejects } from "../helpers.js";

test("an uncontended acquire returns true at once and locks; release unlocks", () => {
  runVirtual(function* () {
    const lock = new Lock();
    assert.not.ok(lock.locked());
    assert.is(yield* lock.acquire(), true);
    assert.ok(lock.locked());
    lock.release();
    assert.not.ok(lock.locked());
    assert.is(waiters(lock), 0);
  });
});

test("releasing an unlocked lock throws an Error", () => {
  const lock = new Lock();
  assert.throws(
    () => lock.release(),
    (e: unknown) => e instanceof Error && /not acquired/.test((e as Error).message),
  );
});

test("waiters acquire in the order they started waiting, one per release", () => {
  runVirtual(function* () {
    const lock = new Lock();
    const result: number[] = [];
    assert.is(yield* lock.acquire(), true);
    function* c(n: number): Coroutine<boolean> {
      if (yield* lock.acquire()) result.push(n);
      return true;
    }
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    yield;
    assert.equal(result, []);
    lock.release();
    yield;
    assert.equal(result, [1]);
    yield;
    assert.equal(result, [1]);
    const t3 = createTask(c(3));
    lock.release();
    yield;
    assert.equal(result, [1, 2]);
    lock.release();
    yield;
    assert.equal(result, [1, 2, 3]);
    for (const t of [t1, t2, t3]) assert.is(t.result(), true);
  });
});

test("a task cancelled while waiting leaves the waiter list", () => {
  runVirtual(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    const task = createTask(lock.acquire());
    getRunningLoop().callSoon(() => task.cancel());
    yield* rejects(task, CancelledError);
    assert.is(waiters(lock), 0);
    assert.ok(lock.locked());
  });
});

test("a waiter cancelled in the same pass as the release passes the lock to the next waiter", () => {
  // A holds the lock, B and C wait; B is cancelled as A releases. B's cancellation must wake C.
  runVirtual(function* () {
    const lock = new Lock();
    function* lockit(blocker: Future<void> | null): Coroutine<void> {
      yield* lock.acquire();
      try {
        if (blocker !== null) yield* blocker;
      } finally {
        lock.release();
      }
    }
    const fa = new Future<void>(getRunningLoop());
    const ta = createTask(lockit(fa));
    yield;
    assert.ok(lock.locked());
    const tb = createTask(lockit(null));
    yield;
    assert.is(waiters(lock), 1);
    const tc = createTask(lockit(null));
    yield;
    assert.is(waiters(lock), 2);

    fa.setResult(undefined);
    tb.cancel();
    assert.ok(lock._waiters!.at(0).cancelled());
    yield;
    assert.not.ok(lock.locked());
    assert.ok(ta.done());
    assert.ok(tb.cancelled());
    yield* tc;
    assert.not.ok(lock.locked());
  });
});

test("a waiter cancelled after the release woke it passes the lock to the next waiter", () => {
  runVirtual(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    const tb = createTask(lock.acquire());
    const tc = createTask(lock.acquire());
    yield;
    assert.is(waiters(lock), 2);
    lock.release(); // wakes B …
    tb.cancel(); // … which is cancelled before it runs
    yield;
    assert.ok(tb.cancelled());
    assert.not.ok(lock.locked()); // C is woken, not yet running
    yield;
    assert.ok(tc.done());
    assert.ok(lock.locked());
    assert.is(waiters(lock), 0);
  });
});

test("cancelling one waiter and releasing in one callback lets exactly one task take the lock", () => {
  runVirtual(function* () {
    const lock = new Lock();
    let lockCount = 0;
    let callCount = 0;
    function* lockit(): Coroutine<void> {
      callCount++;
      yield* lock.acquire();
      lockCount++;
    }
    yield* lock.acquire();
    const t1 = createTask(lockit());
    const t2 = createTask(lockit());
    const t3 = createTask(lockit());
    yield;
    getRunningLoop().callSoon(() => {
      t1.cancel();
      lock.release();
    });
    yield* rejects(t1, CancelledError);
    assert.is(lockCount, 1);
    assert.is(callCount, 3);
    assert.ok(t1.cancelled() && t2.done());
    t3.cancel();
    yield;
    assert.ok(t3.cancelled());
  });
});

test("when the only waiter is cancelled, a new task takes the released lock at once", () => {
  runVirtual(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    const tb = createTask(lock.acquire());
    yield;
    assert.is(waiters(lock), 1);
    const tc = createTask(lock.acquire());
    tb.cancel();
    lock.release();
    yield;
    assert.ok(lock.locked());
    assert.ok(tb.cancelled());
    assert.ok(tc.done());
    assert.is(yield* tc, true);
  });
});

test("a task acquiring between a release and the woken waiter's turn queues behind it (no barging)", () => {
  runVirtual(function* () {
    const lock = new Lock();
    const order: string[] = [];
    yield* lock.acquire();
    const t1 = createTask(
      (function* () {
        yield* lock.acquire();
        order.push("t1");
        lock.release();
      })(),
    );
    yield;
    lock.release();
    assert.not.ok(lock.locked()); // as asyncio: free until the woken waiter runs …
    yield* lock.acquire(); // … but this acquire waits its turn
    order.push("main");
    assert.equal(order, ["t1", "main"]);
    assert.ok(t1.done());
    lock.release();
  });
});

test("many tasks contending for the lock each get it, in FIFO order, with one holder at a time", () => {
  runVirtual(function* () {
    const lock = new Lock();
    const order: number[] = [];
    let inside = 0;
    const tasks = Array.from({ length: 50 }, (_, i) =>
      createTask(
        (function* () {
          for (let k = 0; k < 3; k++) {
            yield* lock.acquire();
            inside++;
            assert.is(inside, 1);
            order.push(i);
            yield;
            inside--;
            lock.release();
          }
        })(),
      ),
    );
    for (const t of tasks) yield* t;
    const expected: number[] = [];
    for (let k = 0; k < 3; k++) for (let i = 0; i < 50; i++) expected.push(i);
    assert.equal(order, expected);
    assert.not.ok(lock.locked());
    assert.is(waiters(lock), 0);
  });
});

test("an acquire that times out leaves the line, and the next waiter still gets the lock", () => {
  runVirtual(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    const later = createTask(
      (function* () {
        yield* sleep(1);
        yield* lock.acquire();
        return getRunningLoop().time();
      })(),
    );
    let timedOut = false;
    try {
      yield* waitFor(lock.acquire(), 10);
    } catch (e) {
      timedOut = e instanceof TimeoutError;
    }
    assert.ok(timedOut);
    assert.is(waiters(lock), 1); // only `later` waits
    getRunningLoop().callLater(5, () => lock.release());
    assert.is(yield* later, 15);
  });
});

test("toString shows the state and the number of waiters", () => {
  runVirtual(function* () {
    const lock = new Lock();
    assert.is(String(lock), "<Lock [unlocked]>");
    yield* lock.acquire();
    const t = createTask(lock.acquire());
    yield;
    assert.is(String(lock), "<Lock [locked, waiters:1]>");
    lock.release();
    yield* t;
    lock.release();
  });
});

test.run();
