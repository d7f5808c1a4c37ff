// Event: wake-up order, set/clear races, cancellation.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError } from "../../src/errors.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { Event } from "../../src/sync/event.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { sleep } from "../../src/tasks/sleep.js";
import { runVirtual } from "../helpers.js";

test("set wakes every waiter, in the order they started waiting, after tasks already queued", () => {
  runVirtual(function* () {
    const ev = new Event();
    assert.not.ok(ev.isSet());
    const result: number[] = [];
    function* c(n: number): Coroutine<void> {
      if (yield* ev.wait()) result.push(n);
    }
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    yield;
    assert.equal(result, []);
    const t3 = createTask(c(3));
    ev.set();
    yield;
    assert.equal(result, [3, 1, 2]);
    for (const t of [t1, t2, t3]) assert.ok(t.done());
  });
});

test("wait on a set event returns true without waiting", () => {
  runVirtual(function* () {
    const ev = new Event();
    ev.set();
    const t0 = getRunningLoop().time();
    assert.is(yield* ev.wait(), true);
    assert.is(getRunningLoop().time(), t0);
    assert.is(ev._waiters.length, 0);
  });
});

test("a cancelled wait leaves the waiter list", () => {
  runVirtual(function* () {
    const ev = new Event();
    const waiter = createTask(ev.wait());
    getRunningLoop().callSoon(() => waiter.cancel());
    let cancelled = false;
    try {
      yield* waiter;
    } catch (e) {
      cancelled = e instanceof CancelledError;
    }
    assert.ok(cancelled);
    assert.is(ev._waiters.length, 0);
  });
});

test("clear lowers the flag and set raises it again", () => {
  const ev = new Event();
  ev.set();
  assert.ok(ev.isSet());
  ev.clear();
  assert.not.ok(ev.isSet());
  ev.set();
  ev.set();
  assert.ok(ev.isSet());
});

test("a waiter woken by set still returns true when clear runs before its turn (no lost wake-up)", () => {
  runVirtual(function* () {
    const ev = new Event();
    const result: number[] = [];
    const t = createTask(
      (function* () {
        if (yield* ev.wait()) result.push(1);
        return true;
      })(),
    );
    yield;
    assert.equal(result, []);
    ev.set();
    ev.clear();
    assert.not.ok(ev.isSet());
    ev.set();
    ev.set();
    assert.is(ev._waiters.length, 1);
    yield;
    assert.equal(result, [1]);
    assert.is(ev._waiters.length, 0);
    assert.is(t.result(), true);
  });
});

test("tasks waiting at different times are all released by one set on the virtual clock", () => {
  runVirtual(function* () {
    const ev = new Event();
    const loop = getRunningLoop();
    const released: number[] = [];
    const tasks = [0, 5, 10].map((delay) =>
      createTask(
        (function* () {
          yield* sleep(delay);
          yield* ev.wait();
          released.push(loop.time());
        })(),
      ),
    );
    loop.callLater(20, () => ev.set());
    for (const t of tasks) yield* t;
    assert.equal(released, [20, 20, 20]);
  });
});

test.run();
