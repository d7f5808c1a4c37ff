import { test } from "uvu";
import * as assert from "uvu/assert";
import { Future } from "../../src/tasks/future.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { asCompleted } from "../../src/tasks/as-completed.js";
import { TimeoutError } from "../../src/errors.js";
import { runVirtual, now, caught } from "../helpers.js";

test("results come in completion order, each at its completion time", () => {
  runVirtual(function* () {
    const seen: [unknown, number][] = [];
    for (const next of asCompleted([sleep(30, "c"), sleep(10, "a"), createTask(sleep(20, "b"))])) {
      seen.push([yield* next, now()]);
    }
    assert.equal(seen, [
      ["a", 10],
      ["b", 20],
      ["c", 30],
    ]);
  });
});

test("an error is thrown by the coroutine of its turn and the others still come", () => {
  runVirtual(function* () {
    const out: unknown[] = [];
    for (const next of asCompleted([
      sleep(1, "first"),
      (function* () {
        yield* sleep(2);
        throw new Error("second");
      })(),
      sleep(3, "third"),
    ])) {
      const r = yield* caught(() => next);
      out.push(r instanceof Error ? r.message : r);
    }
    assert.equal(out, ["first", "second", "third"]);
  });
});

test("after the timeout, the remaining coroutines throw TimeoutError and nothing is cancelled", () => {
  runVirtual(function* () {
    const slow = createTask(sleep(50, "slow"));
    const out: unknown[] = [];
    for (const next of asCompleted([sleep(5, "fast"), slow], { timeout: 20 })) {
      const r = yield* caught(() => next);
      out.push(r instanceof TimeoutError ? `timeout@${now()}` : r);
    }
    assert.equal(out, ["fast", "timeout@20"]);
    assert.not.ok(slow.done());
    assert.is(yield* slow, "slow");
  });
});

test("the iterator hands out one coroutine per distinct awaitable", () => {
  runVirtual(function* () {
    const t = createTask(sleep(1, 1));
    const it = asCompleted([t, t, sleep(2, 2)]);
    const coros = [...it];
    assert.is(coros.length, 2);
    assert.equal(yield* coros[0], 1);
    assert.equal(yield* coros[1], 2);
  });
});

test("an empty collection gives nothing", () => {
  runVirtual(function* () {
    assert.equal([...asCompleted([], { timeout: 5 })], []);
    yield;
  });
});

test("coroutines awaited from different tasks each take the next result", () => {
  runVirtual(function* () {
    const [c1, c2] = [...asCompleted([sleep(10, "a"), sleep(20, "b")])];
    // Awaited in reverse order: whichever runs first gets the first result.
    const t2 = createTask(c2);
    const t1 = createTask(
      (function* () {
        yield* sleep(15);
        return yield* c1;
      })(),
    );
    assert.is(yield* t2, "a");
    assert.is(yield* t1, "b");
  });
});

test("a waiter cancelled after being woken passes the result to the next waiter", () => {
  runVirtual(function* () {
    const fut = new Future<string>();
    const [c1, c2] = [...asCompleted([fut, sleep(100, "late")])];
    const t1 = createTask(c1);
    const t2 = createTask(c2);
    yield; // both wait for a result
    fut.setResult("v");
    yield; // the done callback ran and woke t1, whose step is now queued
    t1.cancel(); // t1 is cancelled before it can take "v"
    yield* sleep(1);
    assert.ok(t1.cancelled());
    assert.ok(t2.done(), "t2 was woken in t1's place");
    assert.is(t2.result(), "v");
  });
});

test("asCompleted checks its arguments at the call", () => {
  runVirtual(function* () {
    assert.throws(
      () => asCompleted(new Future() as any),
      (e: unknown) => e instanceof TypeError,
    );
    assert.throws(
      () => asCompleted([1 as any]),
      (e: unknown) => e instanceof TypeError,
    );
    assert.throws(
      () => asCompleted([], { timeout: NaN }),
      (e: unknown) => e instanceof RangeError,
    );
    yield;
  });
});

test.run();
