// Condition: notify order, re-acquiring on cancellation, no lost notifications (asyncio 3.13's
// test_locks ConditionTests, ported).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError } from "../../src/errors.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { Condition } from "../../src/sync/condition.js";
import { Lock } from "../../src/sync/lock.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { runVirtual, within, isA, rejects } from "../helpers.js";

test("notified waiters return one at a time, in order, each re-acquiring the lock", () => {
  runVirtual(function* () {
    const cond = new Condition();
    const result: number[] = [];
    function* c(n: number): Coroutine<boolean> {
      yield* cond.acquire();
      if (yield* cond.wait()) result.push(n);
      return true;
    }
    const tasks = [createTask(c(1)), createTask(c(2)), createTask(c(3))];
    yield;
    assert.equal(result, []);
    assert.not.ok(cond.locked());

    assert.is(yield* cond.acquire(), true);
    cond.notify();
    yield;
    assert.equal(result, []);
    assert.ok(cond.locked());

    cond.release();
    yield;
    assert.equal(result, [1]);
    assert.ok(cond.locked());

    cond.notify(2);
    yield;
    assert.equal(result, [1]);
    assert.ok(cond.locked());

    cond.release();
    yield;
    assert.equal(result, [1, 2]);
    assert.ok(cond.locked());

    cond.release();
    yield;
    assert.equal(result, [1, 2, 3]);
    assert.ok(cond.locked());
    for (const t of tasks) assert.is(t.result(), true);
  });
});

test("a wait cancelled while waiting re-acquires the lock before the CancelledError propagates", () => {
  runVirtual(function* () {
    const cond = new Condition();
    yield* cond.acquire();
    const waiter = createTask(cond.wait());
    getRunningLoop().callSoon(() => waiter.cancel());
    yield* rejects(waiter, CancelledError);
    assert.is(cond._waiters.length, 0);
    assert.ok(cond.locked());
  });
});

test("a wait cancelled while re-acquiring a contested lock still ends holding it", () => {
  runVirtual(function* () {
    const cond = new Condition();
    yield* cond.acquire();
    const waitTask = createTask(cond.wait());
    yield;
    assert.not.ok(cond.locked());
    yield* cond.acquire();
    assert.ok(cond.locked());
    cond.notify();
    getRunningLoop().callSoon(() => waitTask.cancel());
    getRunningLoop().callSoon(() => cond.release());
    try {
      yield* waitTask;
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    assert.ok(cond.locked());
  });
});

test("code after a cancelled wait (its finally) runs holding the lock", () => {
  runVirtual(function* () {
    const cond = new Condition();
    let heldInFinally: boolean | null = null;
    const task = createTask(
      (function* () {
        yield* cond.acquire();
        try {
          yield* cond.wait();
        } finally {
          heldInFinally = cond.locked();
          cond.release();
        }
      })(),
    );
    yield;
    yield* cond.acquire();
    cond.notify();
    yield; // the task is now re-acquiring (we hold the lock)
    task.cancel();
    yield;
    assert.is(heldInFinally, null); // still waiting for the lock
    cond.release();
    yield* rejects(task, CancelledError);
    assert.is(heldInFinally, true);
    assert.not.ok(cond.locked());
  });
});

test("cancelling a notified task while it waits for the lock ends it cancelled after it got the lock", () => {
  runVirtual(function* () {
    const cond = new Condition();
    let waited = false;
    const waiter = createTask(
      (function* () {
        yield* asyncWith(cond, function* () {
          waited = true;
          yield* cond.wait();
        });
      })(),
    );
    yield;
    yield* cond.acquire();
    cond.notify();
    yield; // the waiter tries to re-acquire
    waiter.cancel();
    yield; // the cancellation is delivered; the waiter keeps trying
    cond.release();
    yield; // it gets the lock, releases it, ends cancelled
    assert.ok(waiter.cancelled());
    assert.ok(waited);
    assert.not.ok(cond.locked());
  });
});

test("wait without holding the lock throws when it runs", () => {
  runVirtual(function* () {
    const cond = new Condition();
    const e = yield* rejects(cond.wait(), Error);
    assert.match(e.message, /un-acquired lock/);
  });
});

test("waitFor re-checks the predicate after each notification and returns its value", () => {
  runVirtual(function* () {
    const cond = new Condition();
    let ready: string | false = false;
    const result: string[] = [];
    const t = createTask(
      (function* () {
        yield* cond.acquire();
        const value = yield* cond.waitFor(() => ready);
        result.push(value as string);
        cond.release();
        return true;
      })(),
    );
    yield;
    assert.equal(result, []);
    yield* cond.acquire();
    cond.notify();
    cond.release();
    yield;
    assert.equal(result, []);
    ready = "go";
    yield* cond.acquire();
    cond.notify();
    cond.release();
    yield;
    assert.equal(result, ["go"]);
    assert.is(t.result(), true);
  });
});

test("waitFor with a true predicate returns without the lock; with a false one it needs the lock", () => {
  runVirtual(function* () {
    const cond = new Condition();
    assert.equal(yield* cond.waitFor(() => [1, 2, 3]), [1, 2, 3]);
    yield* rejects(
      cond.waitFor(() => false),
      Error,
    );
  });
});

test("notify(n) wakes n waiters and notify beyond the number waiting wakes them all", () => {
  runVirtual(function* () {
    const cond = new Condition();
    const result: number[] = [];
    function* c(n: number): Coroutine<boolean> {
      yield* cond.acquire();
      if (yield* cond.wait()) {
        result.push(n);
        cond.release();
      }
      return true;
    }
    const tasks = [createTask(c(1)), createTask(c(2)), createTask(c(3))];
    yield;
    assert.equal(result, []);
    yield* cond.acquire();
    cond.notify(1);
    cond.release();
    yield;
    assert.equal(result, [1]);
    yield* cond.acquire();
    cond.notify(1);
    cond.notify(2048);
    cond.release();
    yield;
    assert.equal(result, [1, 2, 3]);
    for (const t of tasks) assert.is(t.result(), true);
  });
});

test("notifyAll wakes every waiter", () => {
  runVirtual(function* () {
    const cond = new Condition();
    const result: number[] = [];
    function* c(n: number): Coroutine<void> {
      yield* cond.acquire();
      if (yield* cond.wait()) {
        result.push(n);
        cond.release();
      }
    }
    const tasks = [createTask(c(1)), createTask(c(2))];
    yield;
    yield* cond.acquire();
    cond.notifyAll();
    cond.release();
    yield;
    assert.equal(result, [1, 2]);
    for (const t of tasks) assert.ok(t.done());
  });
});

test("notify and notifyAll without the lock throw", () => {
  const cond = new Condition();
  assert.throws(() => cond.notify(), /un-acquired lock/);
  assert.throws(() => cond.notifyAll(), /un-acquired lock/);
});

test("a condition shares the lock it is given", () => {
  runVirtual(function* () {
    function* check(lock: Lock, cond: Condition): Coroutine<void> {
      assert.is(cond._lock, lock);
      assert.not.ok(lock.locked());
      yield* asyncWith(cond, function* () {
        assert.ok(lock.locked());
        assert.ok(cond.locked());
      });
      assert.not.ok(lock.locked());
      yield* asyncWith(lock, function* () {
        assert.ok(cond.locked());
      });
      assert.not.ok(cond.locked());
    }
    const a = new Lock();
    yield* check(a, new Condition(a));
    const cond = new Condition();
    yield* check(cond._lock, cond);
  });
});

test("a CancelledError received while waiting is re-thrown unchanged", () => {
  runVirtual(function* () {
    const cond = new Condition();
    let raised: unknown = null;
    const task = createTask(
      (function* () {
        yield* asyncWith(cond, function* () {
          try {
            yield* cond.waitFor(() => false);
          } catch (e) {
            raised = e;
            throw e;
          }
        });
      })(),
    );
    yield;
    task.cancel("foo");
    const err = yield* rejects(task, CancelledError);
    assert.is(err.message, "foo");
    assert.is(err, raised);
  });
});

test("a CancelledError received while re-acquiring is re-thrown unchanged", () => {
  runVirtual(function* () {
    const cond = new Condition();
    let wake = false;
    let raised: unknown = null;
    const task = createTask(
      (function* () {
        yield* asyncWith(cond, function* () {
          try {
            yield* cond.waitFor(() => wake);
          } catch (e) {
            raised = e;
            throw e;
          }
        });
      })(),
    );
    yield;
    yield* cond.acquire();
    wake = true;
    cond.notify();
    yield; // the task now waits to re-acquire
    task.cancel("foo");
    cond.release();
    const err = yield* rejects(task, CancelledError);
    assert.is(err.message, "foo");
    assert.is(err, raised);
  });
});

function consumerRace(cancelWhileRelocking: boolean): void {
  runVirtual(function* () {
    const cond = new Condition();
    let state = 0;
    function* consumer(): Coroutine<void> {
      yield* asyncWith(cond, function* () {
        for (;;) {
          yield* cond.waitFor(() => state !== 0);
          if (state < 0) return;
          state -= 1;
        }
      });
    }
    const c = [createTask(consumer()), createTask(consumer())];
    yield;
    yield* asyncWith(cond, function* () {
      state += 1;
      cond.notify(1);
      if (cancelWhileRelocking) yield; // the notified consumer now waits for the lock
      c[0].cancel();
      yield* within(
        10,
        cond.waitFor(() => state === 0),
      );
      assert.is(state, 0); // the item was consumed: the notification was not lost
      state = -1;
      cond.notifyAll();
    });
    yield* c[1];
    assert.ok(c[0].cancelled());
  });
}

test("a task cancelled just as it is notified passes the notification on (no lost wake-up)", () => {
  consumerRace(false);
});

test("a task cancelled while re-acquiring after a notify passes the notification on", () => {
  consumerRace(true);
});

test("bad arguments throw at the call", () => {
  assert.throws(() => new Condition(42 as any), isA(TypeError));
  assert.throws(() => new Condition({} as any), isA(TypeError));
  const cond = new Condition(null);
  assert.throws(() => cond.waitFor(42 as any), isA(TypeError));
  assert.throws(() => cond.notify(-1), isA(RangeError));
  assert.throws(() => cond.notify(NaN), isA(RangeError));
  assert.throws(() => cond.notify("1" as any), isA(TypeError));
});

test.run();
