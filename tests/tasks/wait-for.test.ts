import { test } from "uvu";
import * as assert from "uvu/assert";
import { getRunningLoop } from "../../src/loop/running.js";
import { Future } from "../../src/tasks/future.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { currentTask } from "../../src/tasks/current.js";
import { waitFor } from "../../src/tasks/wait-for.js";
import { CancelledError, TimeoutError } from "../../src/errors.js";
import { runVirtual, now, throwsA, caught } from "../helpers.js";

test("waitFor returns the result when the awaitable finishes in time", () => {
  runVirtual(function* () {
    assert.is(yield* waitFor(sleep(5, "quick"), 10), "quick");
    assert.is(now(), 5);
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("waitFor throws TimeoutError at the deadline, after the inner task is really cancelled", () => {
  runVirtual(function* () {
    let cleanedUpAt = -1;
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(100);
        } finally {
          cleanedUpAt = now();
        }
      })(),
    );
    const e = yield* caught(() => waitFor(inner, 10));
    assert.instance(e, TimeoutError);
    assert.is(now(), 10);
    assert.ok(inner.cancelled(), "the inner task is done (cancelled) by the time waitFor returns");
    assert.is(cleanedUpAt, 10);
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("waitFor with a null timeout waits as long as it takes", () => {
  runVirtual(function* () {
    assert.is(yield* waitFor(sleep(1e7, "eventually"), null), "eventually");
    assert.is(now(), 1e7);
  });
});

test("waitFor on an already done future returns at once, without giving up the loop", () => {
  runVirtual(function* () {
    const fut = new Future<string>();
    fut.setResult("ready");
    let ticked = false;
    getRunningLoop().callSoon(() => {
      ticked = true;
    });
    assert.is(yield* waitFor(fut, 10), "ready");
    assert.is(yield* waitFor(fut, 0), "ready", "even when the timeout is already over");
    assert.is(yield* waitFor(fut, -1), "ready");
    assert.not.ok(ticked, "no pass happened");
    const failed = new Future();
    failed.setException(new RangeError("bad"));
    assert.instance(yield* caught(() => waitFor(failed, 0)), RangeError);
  });
});

test("a zero timeout cancels a coroutine before it ever runs and throws TimeoutError", () => {
  runVirtual(function* () {
    let started = false;
    const e = yield* caught(() =>
      waitFor(
        (function* () {
          started = true;
          yield;
        })(),
        0,
      ),
    );
    assert.instance(e, TimeoutError);
    assert.instance((e as Error).cause, CancelledError);
    assert.not.ok(started);
  });
});

test("a zero timeout still gives the result of a task that ignores the cancellation", () => {
  runVirtual(function* () {
    const stubborn = createTask(
      (function* () {
        try {
          yield* sleep(100);
        } catch {
          return "ignored";
        }
        return "slept";
      })(),
    );
    yield;
    assert.is(yield* waitFor(stubborn, 0), "ignored");
  });
});

test("an inner task that swallows the timeout's cancellation gives its result", () => {
  runVirtual(function* () {
    const r = yield* waitFor(
      (function* () {
        try {
          yield* sleep(100);
        } catch {
          yield* sleep(5); // cleanup that takes time
          return "late but fine";
        }
        return "slept";
      })(),
      10,
    );
    assert.is(r, "late but fine");
    assert.is(now(), 15);
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("cancelling the caller cancels the inner task and propagates CancelledError, not TimeoutError", () => {
  runVirtual(function* () {
    const inner = createTask(sleep(100));
    const caller = createTask(waitFor(inner, 50));
    yield* sleep(5);
    caller.cancel("stop");
    const e = yield* caught(() => caller);
    assert.instance(e, CancelledError);
    assert.ok(caller.cancelled());
    assert.ok(inner.cancelled());
  });
});

test("a caller cancelled exactly when the inner future completes is still cancelled", () => {
  runVirtual(function* () {
    const inner = new Future<string>();
    const caller = createTask(waitFor(inner, 50));
    yield; // the caller now waits on inner
    inner.setResult("done"); // the caller's wake-up is queued...
    caller.cancel(); // ...and the cancellation arrives before it runs
    const e = yield* caught(() => caller);
    assert.instance(e, CancelledError, "the cancellation is not swallowed");
    assert.ok(caller.cancelled());
  });
});

test("a caller cancelled while the timeout also fires propagates CancelledError", () => {
  runVirtual(function* () {
    const caller = createTask(waitFor(sleep(100), 10));
    getRunningLoop().callLater(10, () => caller.cancel());
    const e = yield* caught(() => caller);
    assert.instance(e, CancelledError);
  });
});

test("nested waitFor: the inner deadline raises TimeoutError inside, the outer one keeps running", () => {
  runVirtual(function* () {
    const r = yield* waitFor(
      (function* () {
        const e = yield* caught(() => waitFor(sleep(100), 10));
        assert.instance(e, TimeoutError);
        return "outer fine";
      })(),
      50,
    );
    assert.is(r, "outer fine");
    assert.is(now(), 10);
  });
});

test("an error of the awaitable passes through waitFor unchanged", () => {
  runVirtual(function* () {
    const boom = new Error("boom");
    const e = yield* caught(() =>
      waitFor(
        (function* () {
          yield* sleep(1);
          throw boom;
        })(),
        10,
      ),
    );
    assert.is(e, boom);
  });
});

test("waitFor checks its arguments at the call", () => {
  throwsA(() => waitFor(sleep(1), NaN), RangeError);
  throwsA(() => waitFor(sleep(1), "1" as any), TypeError);
  throwsA(() => waitFor(42 as any, 1), TypeError);
  throwsA(() => waitFor(Promise.resolve(1) as any, 1), TypeError);
});

test("a zero timeout waits for a task that takes time to finish cancelling, then throws TimeoutError", () => {
  runVirtual(function* () {
    let doneAt = -1;
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(100);
        } catch (e) {
          yield* sleep(3); // slow cleanup
          throw e;
        } finally {
          doneAt = now();
        }
      })(),
    );
    yield* sleep(1);
    const e = yield* caught(() => waitFor(inner, 0));
    assert.instance(e, TimeoutError);
    assert.is(doneAt, 4);
    assert.is(now(), 4);
    assert.ok(inner.cancelled());
  });
});

test("a foreign error raised by the inner task while it is cancelled passes through", () => {
  runVirtual(function* () {
    class FooError extends Error {}
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(200);
        } finally {
          throw new FooError("in cleanup");
        }
      })(),
    );
    assert.instance(yield* caught(() => waitFor(inner, 1)), FooError);
  });
});

test("a waitFor task cancelled before it starts ends cancelled and leaves the inner task alone", () => {
  runVirtual(function* () {
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(300);
        } catch {
          yield* sleep(300);
        }
        return 42;
      })(),
    );
    const w = createTask(waitFor(inner, 100));
    w.cancel();
    assert.instance(yield* caught(() => w), CancelledError);
    assert.is(yield* inner, 42);
  });
});

test("after waitFor over a quick coroutine, a later cancellation still reaches the task", () => {
  runVirtual(function* () {
    let reachedEnd = false;
    const t = createTask(
      (function* () {
        yield* waitFor((function* () {})(), 100);
        yield* sleep(1000);
        reachedEnd = true;
      })(),
    );
    yield;
    t.cancel();
    assert.instance(yield* caught(() => t), CancelledError);
    assert.not.ok(reachedEnd);
  });
});

test.run();
