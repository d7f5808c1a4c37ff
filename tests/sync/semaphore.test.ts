// Semaphore and BoundedSemaphore: FIFO order and acquire order under cancellation, as asyncio
// 3.13's test_locks SemaphoreTests pin them down.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError } from "../../src/errors.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { BoundedSemaphore, Semaphore } from "../../src/sync/semaphore.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import type { Task } from "../../src/tasks/task.js";
import { sleep } from "../../src/tasks/sleep.js";
import { runVirtual, waiters, isA, rejects } from "../helpers.js";

/** Waits for every task, keeping going past failures (a small gather with returnExceptions). */
function* settle(tasks: Task<unknown>[]): Coroutine<unknown[]> {
  const out: unknown[] = [];
  for (const t of tasks) {
    try {
      out.push(yield* t);
    } catch (e) {
      out.push(e);
    }
  }
  return out;
}

test("a semaphore with value 0 is locked", () => {
  assert.ok(new Semaphore(0).locked());
  assert.not.ok(new Semaphore().locked());
});

test("the value must be a non-negative integer", () => {
  assert.throws(() => new Semaphore(-1), isA(RangeError));
  assert.throws(() => new Semaphore(1.5), isA(RangeError));
  assert.throws(() => new Semaphore(NaN), isA(RangeError));
  assert.throws(() => new Semaphore("2" as any), isA(TypeError));
  assert.throws(() => new BoundedSemaphore(-1), isA(RangeError));
});

test("acquire takes free slots at once, then waits; each release hands a slot to the next waiter", () => {
  runVirtual(function* () {
    const sem = new Semaphore(3);
    const result: number[] = [];
    assert.is(yield* sem.acquire(), true);
    assert.is(yield* sem.acquire(), true);
    assert.not.ok(sem.locked());
    function* c(n: number): Coroutine<boolean> {
      yield* sem.acquire();
      result.push(n);
      return true;
    }
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    const t3 = createTask(c(3));
    yield;
    assert.equal(result, [1]);
    assert.ok(sem.locked());
    assert.is(waiters(sem), 2);
    assert.is(sem._value, 0);

    const t4 = createTask(c(4));
    sem.release();
    sem.release();
    assert.is(sem._value, 0); // both slots handed to woken waiters
    yield;
    assert.is(sem._value, 0);
    assert.is(result.length, 3);
    assert.ok(sem.locked());
    assert.is(waiters(sem), 1);
    assert.ok(t1.done());
    assert.equal([t2, t3, t4].filter((t) => t.done()).length, 2);
    sem.release();
    yield* settle([t2, t3, t4]);
    assert.equal(result, [1, 2, 3, 4]);
  });
});

test("a cancelled acquire leaves the waiter list", () => {
  runVirtual(function* () {
    const sem = new Semaphore();
    yield* sem.acquire();
    const acquire = createTask(sem.acquire());
    getRunningLoop().callSoon(() => acquire.cancel());
    yield* rejects(acquire, CancelledError);
    assert.is(waiters(sem), 0);
  });
});

test("waiters cancelled before a release are skipped: the slot goes to the first live waiter", () => {
  runVirtual(function* () {
    const sem = new Semaphore(0);
    const [t1, t2, t3, t4] = [0, 1, 2, 3].map(() => createTask(sem.acquire()));
    yield;
    t1.cancel();
    t2.cancel();
    sem.release();
    yield;
    yield;
    assert.ok(t3.done());
    assert.not.ok(t4.done());
    t3.cancel();
    t4.cancel();
    yield;
    assert.ok(t1.cancelled() && t2.cancelled() && t4.cancelled());
  });
});

test("a release after a waiter's cancellation goes to the next waiter (no hang)", () => {
  runVirtual(function* () {
    const sem = new Semaphore(0);
    const t1 = createTask(sem.acquire());
    const t2 = createTask(sem.acquire());
    yield;
    t1.cancel();
    sem.release();
    yield;
    yield;
    assert.ok(sem.locked());
    assert.ok(t2.done());
    assert.ok(t1.cancelled());
  });
});

test("a waiter cancelled after it was handed a slot gives the slot back", () => {
  runVirtual(function* () {
    const sem = new Semaphore(1);
    let t2: Task<void> | undefined;
    const t1 = createTask(
      (function* () {
        yield* asyncWith(sem, function* () {
          yield;
        });
        t2!.cancel(); // t2 was just handed the slot and has not run yet
      })(),
    );
    t2 = createTask(
      (function* () {
        yield* asyncWith(sem, function* () {
          assert.unreachable("t2 must not get the semaphore");
        });
      })(),
    );
    const [r1, r2] = yield* settle([t1, t2]);
    assert.is(r1, undefined);
    assert.instance(r2, CancelledError);
    assert.is(sem._value, 1);
    yield* sem.acquire(); // would hang if the slot were lost
  });
});

test("releasing a BoundedSemaphore above its initial value throws", () => {
  runVirtual(function* () {
    const sem = new BoundedSemaphore();
    assert.throws(() => sem.release(), /released too many times/);
    yield* sem.acquire();
    sem.release();
    assert.throws(() => sem.release(), /released too many times/);
    const three = new BoundedSemaphore(3);
    yield* three.acquire();
    yield* three.acquire();
    three.release();
    three.release();
    assert.throws(() => three.release(), isA(Error));
  });
});

test("a plain Semaphore may be released above its initial value", () => {
  const sem = new Semaphore(1);
  sem.release();
  assert.is(sem._value, 2);
});

test("tasks taking turns with sleeps while holding acquire in FIFO order", () => {
  runVirtual(function* () {
    const sem = new Semaphore(1);
    const result: string[] = [];
    function* coro(tag: string): Coroutine<void> {
      yield* sem.acquire();
      result.push(`${tag}_1`);
      yield* sleep(10);
      sem.release();
      yield* sem.acquire();
      result.push(`${tag}_2`);
      yield* sleep(10);
      sem.release();
    }
    yield* settle([createTask(coro("c1")), createTask(coro("c2")), createTask(coro("c3"))]);
    assert.equal(result, ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]);
    assert.is(getRunningLoop().time(), 60);
  });
});

test("a task re-acquiring right after its release queues behind the tasks already woken", () => {
  runVirtual(function* () {
    const sem = new Semaphore(1);
    const result: number[] = [];
    const tasks = [
      createTask(
        (function* () {
          yield* sem.acquire();
          result.push(1);
        })(),
      ),
      createTask(
        (function* () {
          yield* sem.acquire();
          result.push(2);
          sem.release();
          yield* sem.acquire();
          result.push(4);
        })(),
      ),
      createTask(
        (function* () {
          yield* sem.acquire();
          result.push(3);
        })(),
      ),
    ];
    yield;
    sem.release();
    sem.release();
    yield* settle(tasks);
    assert.equal(result, [1, 2, 3, 4]);
  });
});

test("a waiter cancelled before any release does not take a slot from those behind it", () => {
  runVirtual(function* () {
    const sem = new Semaphore(0);
    const result: number[] = [];
    function* c(n: number): Coroutine<void> {
      yield* sem.acquire();
      result.push(n);
    }
    const tasks = [createTask(c(1)), createTask(c(2)), createTask(c(3))];
    yield;
    tasks[0].cancel();
    yield;
    sem.release();
    sem.release();
    yield* settle(tasks);
    assert.equal(result, [2, 3]);
  });
});

test("an acquire that completes wakes the waiters FIFO rules held back", () => {
  runVirtual(function* () {
    const sem = new Semaphore(0);
    const result: number[] = [];
    let t4: Task<void> | null = null;
    const t1 = createTask(
      (function* () {
        assert.is(sem._value, 0);
        yield* sem.acquire();
        assert.is(sem._value, 0); // every waiter was woken
        t4 = createTask(
          (function* () {
            result.push(4);
          })(),
        );
        result.push(1);
      })(),
    );
    const t2 = createTask(
      (function* () {
        sem.release();
        sem.release();
        sem.release();
        assert.is(sem._value, 2);
        assert.ok(sem.locked()); // t1 was woken but has not run yet
        yield* sem.acquire();
        result.push(2);
      })(),
    );
    const t3 = createTask(
      (function* () {
        yield* sem.acquire();
        assert.ok(sem.locked());
        result.push(3);
      })(),
    );
    yield;
    assert.is(sem._value, 2);
    assert.is(waiters(sem), 3);
    yield;
    for (const t of [t1, t2, t3]) yield* t; // (their assertions fail the test from here)
    yield* t4!;
    assert.equal(result, [1, 2, 3, 4]);
  });
});

test("toString shows the value or the locked state and the waiters", () => {
  runVirtual(function* () {
    const sem = new Semaphore();
    assert.is(String(sem), "<Semaphore [unlocked, value:1]>");
    yield* sem.acquire();
    assert.is(String(sem), "<Semaphore [locked]>");
    const t = createTask(sem.acquire());
    yield;
    assert.is(String(sem), "<Semaphore [locked, waiters:1]>");
    t.cancel();
    yield;
    assert.is(String(new BoundedSemaphore(2)), "<BoundedSemaphore [unlocked, value:2]>");
  });
});

test.run();
