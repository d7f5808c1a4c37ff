// A task's steps after an await and after a bare `yield`: the loop resumes such a task through
// its common step, which hands everything but "wait on another pending future" to the full one.
// Each case here is something that common step must hand on, met after an await.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError } from "../../src/errors.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { call } from "../../src/tasks/call.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { currentTask } from "../../src/tasks/current.js";
import { Future } from "../../src/tasks/future.js";
import { sleep } from "../../src/tasks/sleep.js";
import { newLoop, runVirtual } from "../helpers.js";

test("after an await, a call() runs in the same step and returns to the task", () => {
  const r = runVirtual(function* () {
    const outer = currentTask();
    function* sub(): Coroutine<[boolean, number]> {
      return [currentTask() === outer, getRunningLoop().time()];
    }
    yield* sleep(3);
    const inCall = yield* call(sub());
    return [...inCall, currentTask() === outer];
  });
  assert.equal(r, [true, 3, true]);
});

test("after an await, a bare yield lets every other ready task run once before the next step", () => {
  const order: string[] = [];
  runVirtual(function* () {
    function* worker(name: string): Coroutine<void> {
      yield* sleep(1);
      for (let i = 0; i < 3; i++) {
        order.push(`${name}${i}`);
        yield;
      }
    }
    const a = createTask(worker("a"));
    const b = createTask(worker("b"));
    yield* a;
    yield* b;
  });
  assert.equal(order, ["a0", "b0", "a1", "b1", "a2", "b2"]);
});

test("after an await, yielding a future that is already done resumes the task on the next pass", () => {
  runVirtual(function* () {
    const t = createTask(
      (function* (): Coroutine<string> {
        yield* sleep(1);
        const done = getRunningLoop().createFuture<string>();
        done.setResult("ready");
        yield done as unknown as undefined;
        return done.result();
      })(),
    );
    yield* sleep(5);
    assert.ok(t.done(), "the task went on");
    assert.is(t.result(), "ready");
  });
});

test("after an await, yielding a future of another loop throws into the coroutine", () => {
  const { loop: other } = newLoop();
  const foreign = other.createFuture();
  const r = runVirtual(function* () {
    yield* sleep(1);
    try {
      yield foreign;
      return "no error";
    } catch (e) {
      return (e as Error).message;
    }
  });
  assert.match(r, "different loop");
  other.close();
});

test("after an await, a task that yields itself gets an error thrown in", () => {
  const r = runVirtual(function* () {
    const t = createTask(
      (function* (): Coroutine<string> {
        yield* sleep(1);
        try {
          yield currentTask() as Future<unknown>;
          return "no error";
        } catch (e) {
          return (e as Error).message;
        }
      })(),
    );
    return yield* t;
  });
  assert.match(r, "cannot await on itself");
});

test("after an await, yielding something that is not a future throws a TypeError into the coroutine", () => {
  const r = runVirtual(function* () {
    yield* sleep(1);
    try {
      yield 42 as unknown as undefined;
      return "no error";
    } catch (e) {
      return e instanceof TypeError ? e.message : "wrong error";
    }
  });
  assert.match(r, "bad yield");
});

test("a task that cancels itself after an await is cancelled through the next future it awaits", () => {
  runVirtual(function* () {
    const waited = getRunningLoop().createFuture<void>();
    let caught: unknown = null;
    const t = createTask(
      (function* (): Coroutine<void> {
        yield* sleep(1);
        currentTask()!.cancel("stop");
        try {
          yield* waited;
        } catch (e) {
          caught = e;
          throw e;
        }
      })(),
    );
    yield* sleep(5);
    assert.ok(waited.cancelled(), "the awaited future is cancelled");
    assert.instance(caught, CancelledError);
    assert.ok(t.cancelled());
  });
});

test("after an await, a coroutine that throws fails its task and one that returns finishes it", () => {
  runVirtual(function* () {
    const failing = createTask(
      (function* (): Coroutine<never> {
        yield* sleep(1);
        throw new RangeError("late");
      })(),
    );
    const finishing = createTask(
      (function* (): Coroutine<string> {
        yield* sleep(1);
        return "fine";
      })(),
    );
    yield* sleep(5);
    assert.instance(failing.exception(), RangeError);
    assert.is(finishing.result(), "fine");
  });
});

test("after an await, the running task's stack holds only its own functions", () => {
  const r = runVirtual(function* () {
    let names: string[] = [];
    function* inner(): Coroutine<void> {
      yield* sleep(1);
      names = currentTask()!
        .getStack()
        .map((f) => f.name);
    }
    function* outer(): Coroutine<void> {
      yield* inner();
    }
    yield* createTask(outer());
    return names;
  });
  assert.equal(r, ["outer", "inner"]);
});

test.run();
