import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop } from "../../src/io/event-loop.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { Future } from "../../src/tasks/future.js";
import { Task } from "../../src/tasks/task.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { currentTask, allTasks } from "../../src/tasks/current.js";
import { CancelledError, InvalidStateError } from "../../src/errors.js";
import { runVirtual, throwsA } from "../helpers.js";

test("cancel with a message: the task ends cancelled and result() throws CancelledError with it", () => {
  runVirtual(function* () {
    const t = createTask(sleep(100));
    yield;
    assert.ok(t.cancel("enough"));
    assert.not.ok(t.done(), "cancellation is delivered at the next resumption");
    try {
      yield* t;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
      assert.is((e as Error).message, "enough");
    }
    assert.ok(t.cancelled());
    throwsA(() => t.result(), CancelledError, "enough");
    throwsA(() => t.exception(), CancelledError);
    assert.is(getRunningLoop().time(), 0);
  });
});

test("a task cancelled before its first step never runs its body", () => {
  runVirtual(function* () {
    let ran = false;
    const t = createTask(
      (function* () {
        ran = true;
        yield;
      })(),
    );
    t.cancel();
    yield;
    yield;
    assert.ok(t.cancelled());
    assert.not.ok(ran);
  });
});

test("cancelling a task that awaits a future cancels that future too", () => {
  runVirtual(function* () {
    const fut = new Future<number>();
    const t = createTask(
      (function* () {
        return yield* fut;
      })(),
    );
    yield;
    t.cancel("msg");
    assert.ok(fut.cancelled(), "the future is cancelled at once");
    yield;
    assert.ok(t.cancelled());
    throwsA(() => t.result(), CancelledError, "msg");
  });
});

test("cancelling a task that awaits another task cancels the inner one, and both end cancelled", () => {
  runVirtual(function* () {
    const inner = createTask(sleep(1000, "inner"));
    const outer = createTask(
      (function* () {
        return yield* inner;
      })(),
    );
    yield;
    outer.cancel();
    assert.is(inner.cancelling(), 1, "the request went to the inner task");
    yield* sleep(0);
    yield;
    assert.ok(inner.cancelled());
    assert.ok(outer.cancelled());
  });
});

test("when the inner task swallows the cancellation, the awaiting task gets its result", () => {
  const r = runVirtual(function* () {
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(1000);
        } catch {
          return "survived";
        }
        return "slept";
      })(),
    );
    const outer = createTask(
      (function* () {
        return yield* inner;
      })(),
    );
    yield;
    outer.cancel();
    return yield* outer;
  });
  assert.is(r, "survived");
});

test("a task can cancel itself: CancelledError arrives at its next suspension", () => {
  runVirtual(function* () {
    const seen: string[] = [];
    const t = createTask(
      (function* () {
        currentTask()!.cancel("self");
        seen.push("still running");
        try {
          yield;
        } catch (e) {
          seen.push(`caught ${(e as Error).message}`);
          throw e;
        }
      })(),
    );
    yield* sleep(1);
    assert.equal(seen, ["still running", "caught self"]);
    assert.ok(t.cancelled());
  });
});

test("a task that requests its own cancellation and then returns ends cancelled", () => {
  runVirtual(function* () {
    const t = createTask(
      (function* () {
        currentTask()!.cancel();
        return 5;
      })(),
    );
    yield;
    yield;
    assert.ok(t.cancelled());
  });
});

test("cancelling a done task returns false and keeps its result", () => {
  runVirtual(function* () {
    const t = createTask(sleep(1, "done"));
    yield* sleep(2);
    assert.not.ok(t.cancel());
    assert.is(t.result(), "done");
    assert.is(t.cancelling(), 0);
  });
});

test("a coroutine that catches CancelledError goes on and finishes normally", () => {
  runVirtual(function* () {
    const t = createTask(
      (function* () {
        try {
          yield* sleep(100);
        } catch (e) {
          assert.instance(e, CancelledError);
        }
        yield* sleep(5);
        return "carried on";
      })(),
    );
    yield;
    t.cancel();
    assert.is(yield* t, "carried on");
    assert.not.ok(t.cancelled());
    assert.is(t.cancelling(), 1, "the request stays counted until uncancel()");
    assert.is(getRunningLoop().time(), 5);
  });
});

test("cancelling() counts requests and uncancel() takes them back", () => {
  runVirtual(function* () {
    const t = createTask(sleep(100));
    yield;
    assert.is(t.cancelling(), 0);
    t.cancel();
    t.cancel();
    assert.is(t.cancelling(), 2);
    assert.is(t.uncancel(), 1);
    assert.is(t.uncancel(), 0);
    assert.is(t.uncancel(), 0, "never below zero");
    yield* sleep(0);
    assert.ok(t.cancelled(), "the sleep was already cancelled");
  });
});

test("uncancel() down to zero withdraws a cancellation not yet delivered", () => {
  const r = runVirtual(function* () {
    const t = createTask(
      (function* () {
        yield;
        return "ran normally";
      })(),
    );
    t.cancel();
    t.uncancel();
    return yield* t;
  });
  assert.is(r, "ran normally");
});

test("a pending task refuses result() and exception() with InvalidStateError", () => {
  runVirtual(function* () {
    const t = createTask(sleep(1));
    throwsA(() => t.result(), InvalidStateError);
    throwsA(() => t.exception(), InvalidStateError);
    yield* t;
    assert.is(t.exception(), null);
  });
});

test("a task does not support setResult or setException", () => {
  runVirtual(function* () {
    const t = createTask(sleep(1));
    throwsA(() => t.setResult(undefined), Error);
    throwsA(() => t.setException(new Error("x")), Error);
    t.cancel();
    yield* sleep(0);
  });
});

test("yielding something that is not a Future throws TypeError into the coroutine", () => {
  const r = runVirtual(function* () {
    try {
      yield 42 as any;
    } catch (e) {
      assert.instance(e, TypeError);
      return "told";
    }
    return "not told";
  });
  assert.is(r, "told");
});

test("a task awaiting itself gets an error", () => {
  const r = runVirtual(function* () {
    const self = currentTask()!;
    try {
      yield* self;
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  });
  assert.match(r, "cannot await on itself");
});

test("createTask refuses what is not a generator object with TypeError", () => {
  throwsA(() => createTask((() => 1) as any), TypeError);
  throwsA(() => createTask(Promise.resolve(1) as any), TypeError);
  runVirtual(function* () {
    throwsA(
      () =>
        createTask(function* () {
          yield;
        } as any),
      TypeError,
      "generator",
    );
    throwsA(() => getRunningLoop().createTask(null as any), TypeError);
    throwsA(() => createTask(new Future() as any), TypeError, "Future");
  });
});

test("tasks are named Task-N unless given a name, and setName renames", () => {
  runVirtual(function* () {
    const a = createTask(sleep(0));
    const b = createTask(sleep(0), { name: "worker" });
    assert.match(a.getName(), /^Task-\d+$/);
    assert.is(b.getName(), "worker");
    b.setName("renamed");
    assert.is(b.getName(), "renamed");
    assert.match(String(b), 'name="renamed"');
    throwsA(() => createTask(sleep(0), { name: 5 as any }), TypeError);
    yield* sleep(0);
  });
});

test("currentTask() is the running task and allTasks() the ones not done", () => {
  const loop = new EventLoop({ host: new VirtualHost() });
  assert.is(currentTask(loop), null);
  const main = loop.createTask(
    (function* () {
      const me = currentTask();
      const other = createTask(sleep(10));
      const live = allTasks();
      assert.ok(live.has(me!));
      assert.ok(live.has(other));
      yield* other;
      assert.not.ok(allTasks().has(other));
      return me;
    })(),
  );
  assert.is(loop.runUntilCompleteSync(main), main);
  assert.is(allTasks(loop).size, 0);
  loop.close();
});

test("the cancel delivered while a done future's wake-up is pending still cancels the task", () => {
  runVirtual(function* () {
    const fut = new Future<number>();
    const t = createTask(
      (function* () {
        const v = yield* fut;
        return v;
      })(),
    );
    yield;
    fut.setResult(1); // t's wake-up is now queued
    t.cancel(); // the future is done: the request must reach the coroutine itself
    yield;
    yield;
    assert.ok(t.cancelled());
  });
});

test("getCoro() gives back the coroutine", () => {
  runVirtual(function* () {
    const coro = sleep(0);
    const t = new Task(coro);
    assert.is(t.getCoro(), coro);
    yield* t;
  });
});

test("a second cancellation carries its own message, not the first one's", () => {
  const seen = runVirtual(function* () {
    const messages: string[] = [];
    const t = createTask(
      (function* () {
        for (let i = 0; i < 2; i++) {
          try {
            yield* sleep(100);
          } catch (e) {
            messages.push((e as Error).message);
          }
        }
      })(),
    );
    yield* sleep(1);
    t.cancel("first");
    yield* sleep(1);
    t.uncancel();
    t.cancel("second");
    yield* t;
    return messages;
  });
  assert.equal(seen, ["first", "second"]);
});

test.run();

test("the CancelledError a cancel throws looks like any error: instanceof, own name and message, a header-only stack, printable", () => {
  runVirtual(function* () {
    const errors: unknown[] = [];
    for (const msg of ["stop now", undefined]) {
      const t = createTask(sleep(100));
      yield;
      t.cancel(msg);
      try {
        yield* t;
      } catch (e) {
        errors.push(e);
      }
    }
    const [withText, bare] = errors as CancelledError[];
    for (const e of [withText, bare]) {
      assert.instance(e, CancelledError);
      assert.instance(e, Error);
      assert.is(e.name, "CancelledError");
      assert.equal(Object.keys(e), ["name"], "message and stack are not enumerable, as on native errors");
      assert.is(Object.getOwnPropertyDescriptor(e, "message")?.enumerable, false);
    }
    assert.is(withText.message, "stop now");
    assert.is(String(withText), "CancelledError: stop now");
    assert.is(withText.stack?.split("\n")[0], "CancelledError: stop now");
    assert.is(bare.message, "");
    assert.is(String(bare), "CancelledError");
    assert.is(bare.stack?.split("\n")[0], "CancelledError");
  });
});
