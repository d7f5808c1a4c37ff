import { test } from "uvu";
import * as assert from "uvu/assert";
import { call } from "../../src/tasks/call.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { gather } from "../../src/tasks/gather.js";
import { CancelledError } from "../../src/errors.js";
import { getRunningLoop } from "../../src/loop/running.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { runVirtual } from "../helpers.js";

test("call() returns the sub-coroutine's result, like yield*", () => {
  function* add(a: number, b: number): Coroutine<number> {
    yield* sleep(5);
    return a + b;
  }
  const r = runVirtual(function* () {
    const x = yield* call(add(1, 2));
    const y = yield* add(3, 4);
    return [x, y, getRunningLoop().time()];
  });
  assert.equal(r, [3, 7, 10]);
});

test("a deep chain of calls returns through every level in order", () => {
  const trail: number[] = [];
  function* down(d: number): Coroutine<number> {
    if (d === 0) {
      yield;
      yield* sleep(1);
      return 0;
    }
    const v = yield* call(down(d - 1));
    trail.push(d);
    return v + 1;
  }
  const r = runVirtual(() => down(200));
  assert.is(r, 200);
  assert.equal(
    trail,
    Array.from({ length: 200 }, (_, i) => i + 1),
  );
});

test("an exception thrown deep in a call chain can be caught by an outer level", () => {
  function* fail(): Coroutine<never> {
    yield;
    throw new RangeError("deep");
  }
  function* middle(): Coroutine<string> {
    try {
      yield* call(fail());
      return "no";
    } finally {
      /* cleanup runs */
    }
  }
  const r = runVirtual(function* () {
    try {
      yield* call(middle());
      return "no";
    } catch (e) {
      return (e as Error).message;
    }
  });
  assert.is(r, "deep");
});

test("cancelling a task cancels the innermost call, and finally blocks run outward", () => {
  const log: string[] = [];
  function* inner(): Coroutine<void> {
    try {
      yield* sleep(1_000);
    } finally {
      log.push("inner finally");
    }
  }
  function* outer(): Coroutine<void> {
    try {
      yield* call(inner());
    } finally {
      log.push("outer finally");
    }
  }
  const r = runVirtual(function* () {
    const t = createTask(outer());
    yield* sleep(10);
    t.cancel("stop");
    try {
      yield* t;
    } catch (e) {
      return [(e as Error).name, (e as Error).message, t.cancelled()];
    }
    return null;
  });
  assert.equal(r, ["CancelledError", "stop", true]);
  assert.equal(log, ["inner finally", "outer finally"]);
});

test("a call that catches the cancellation lets its caller go on", () => {
  function* stubborn(): Coroutine<string> {
    try {
      yield* sleep(100);
      return "slept";
    } catch (e) {
      if (e instanceof CancelledError) return "caught";
      throw e;
    }
  }
  const r = runVirtual(function* () {
    const t = createTask(
      (function* () {
        return yield* call(stubborn());
      })(),
    );
    yield;
    t.cancel();
    return yield* t;
  });
  assert.is(r, "caught");
});

test("a call awaited through gather runs as a task of its own", () => {
  function* value(v: number): Coroutine<number> {
    yield* sleep(v);
    return v * 2;
  }
  const r = runVirtual(function* () {
    return yield* gather([call(value(3)), call(value(1))]);
  });
  assert.equal(r, [6, 2]);
});

test("call() rejects what is not a coroutine", () => {
  runVirtual(function* () {
    assert.throws(() => call(42 as any), TypeError);
    yield;
  });
});

test("cancelling a gather of calls cancels the calls' work", () => {
  const log: string[] = [];
  function* work(): Coroutine<void> {
    try {
      yield* sleep(100);
      log.push("finished");
    } finally {
      log.push("cleaned up");
    }
  }
  runVirtual(function* () {
    const g = gather([call(work())]);
    yield* sleep(10);
    assert.ok(g.cancel());
    try {
      yield* g;
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    yield* sleep(200);
  });
  assert.equal(log, ["cleaned up"]);
});

test("a call cancelled before anything awaits it never runs", () => {
  let ran = false;
  function* work(): Coroutine<void> {
    ran = true;
    yield;
  }
  runVirtual(function* () {
    const c = call(work());
    assert.ok(c.cancel());
    assert.ok(c.cancelled());
    yield* sleep(1);
  });
  assert.not.ok(ran);
});

test("a call running on its task's stack cannot be cancelled apart from the task", () => {
  const r = runVirtual(function* () {
    let c: ReturnType<typeof call<number>> | null = null;
    function* inner(): Coroutine<number> {
      yield* sleep(5);
      return 42;
    }
    const t = createTask(
      (function* () {
        c = call(inner());
        return yield* c;
      })(),
    );
    yield* sleep(1);
    const refused = c!.cancel();
    return [refused, yield* t, c!.cancelled()];
  });
  assert.equal(r, [false, 42, false]);
});

test("a coroutine whose next and throw are its own is resumed through them, as a task and through call()", () => {
  const seen: string[] = [];
  function* inner(): Coroutine<number> {
    try {
      yield* sleep(5);
    } catch (e) {
      seen.push(`inner caught ${(e as Error).message}`);
    }
    return 7;
  }
  // A generator object with its own next and throw (a wrapper logging each resumption).
  function spied<T>(gen: Coroutine<T>, name: string): Coroutine<T> {
    const next = gen.next;
    const thrower = gen.throw;
    gen.next = (...args: [] | [unknown]) => {
      seen.push(`${name}.next`);
      return next.apply(gen, args);
    };
    gen.throw = (e: unknown) => {
      seen.push(`${name}.throw`);
      return thrower.call(gen, e);
    };
    return gen;
  }
  const r = runVirtual(function* () {
    const viaCall = yield* call(spied(inner(), "call"));
    const t = createTask(spied(inner(), "task"));
    yield;
    t.cancel("stop");
    return [viaCall, yield* t];
  });
  assert.equal(r, [7, 7]);
  assert.equal(seen, ["call.next", "call.next", "task.next", "task.throw", "inner caught stop"]);
});

test.run();
