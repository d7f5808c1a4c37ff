import { test } from "uvu";
import * as assert from "uvu/assert";
import { getRunningLoop } from "../../src/loop/running.js";
import { Future } from "../../src/tasks/future.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED } from "../../src/tasks/wait.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { runVirtual, now, failAfter, throwsA } from "../helpers.js";

test("ALL_COMPLETED (the default) returns when every future is done", () => {
  runVirtual(function* () {
    const a = createTask(sleep(5, "a"));
    const b = createTask(failAfter(10, "b"));
    const [done, pending] = yield* wait([a, b]);
    assert.is(now(), 10);
    assert.equal(
      [...done].sort((x) => (x === a ? -1 : 1)),
      [a, b],
    );
    assert.is(pending.size, 0);
    assert.is(a.result(), "a");
    assert.is((b.exception() as Error).message, "b");
  });
});

test("FIRST_COMPLETED returns as soon as one future is done, failed or cancelled", () => {
  runVirtual(function* () {
    const a = createTask(sleep(5));
    const b = createTask(sleep(10));
    const [done, pending] = yield* wait([a, b], { returnWhen: FIRST_COMPLETED });
    assert.is(now(), 5);
    assert.ok(done.has(a) && done.size === 1);
    assert.ok(pending.has(b) && pending.size === 1);
    assert.not.ok(b.done(), "wait cancels nothing");

    const c = createTask(sleep(100));
    getRunningLoop().callLater(1, () => c.cancel());
    const [done2] = yield* wait([b, c], { returnWhen: "FIRST_COMPLETED" });
    assert.ok(done2.has(c));
    assert.is(now(), 6);
    b.cancel();
  });
});

test("FIRST_EXCEPTION returns at the first failure, but not at a cancellation", () => {
  runVirtual(function* () {
    const slow = createTask(sleep(100));
    const cancelled = createTask(sleep(100));
    const bad = createTask(failAfter(10, "bad"));
    getRunningLoop().callLater(2, () => cancelled.cancel());
    const [done, pending] = yield* wait([slow, cancelled, bad], { returnWhen: FIRST_EXCEPTION });
    assert.is(now(), 10);
    assert.ok(done.has(bad) && done.has(cancelled));
    assert.ok(pending.has(slow));
    slow.cancel();
  });
});

test("FIRST_EXCEPTION without a failure waits for all, like ALL_COMPLETED", () => {
  runVirtual(function* () {
    const [done, pending] = yield* wait([createTask(sleep(3)), createTask(sleep(7))], { returnWhen: FIRST_EXCEPTION });
    assert.is(done.size, 2);
    assert.is(pending.size, 0);
    assert.is(now(), 7);
  });
});

test("FIRST_EXCEPTION looks at the failure, so it is not reported as never retrieved", () => {
  const seen: ExceptionContext[] = [];
  runVirtual(function* () {
    getRunningLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
    yield* wait([createTask(failAfter(1, "seen"))], { returnWhen: ALL_COMPLETED });
    const other = createTask(sleep(5));
    yield* wait([createTask(failAfter(1, "seen too")), other], { returnWhen: FIRST_EXCEPTION });
    yield* other;
  });
  assert.is(seen.length, 1, "ALL_COMPLETED does not retrieve the exception, as in asyncio");
  assert.is((seen[0].exception as Error).message, "seen");
});

test("a timeout returns what is done so far, without TimeoutError and without cancelling", () => {
  runVirtual(function* () {
    const a = createTask(sleep(5));
    const b = createTask(sleep(50));
    const [done, pending] = yield* wait([a, b], { timeout: 20 });
    assert.is(now(), 20);
    assert.ok(done.has(a));
    assert.ok(pending.has(b));
    assert.not.ok(b.cancelled());
    const [, none] = yield* wait([b], { timeout: 100 });
    assert.is(now(), 50, "the timer is dropped once everything is done");
    assert.is(none.size, 0);
  });
});

test("wait on futures already done still returns on the next pass", () => {
  runVirtual(function* () {
    const f = new Future<number>();
    f.setResult(1);
    const [done] = yield* wait([f], { timeout: 0 });
    assert.ok(done.has(f));
    assert.is(now(), 0);
  });
});

test("duplicates count once", () => {
  runVirtual(function* () {
    const a = createTask(sleep(1));
    const [done, pending] = yield* wait([a, a, a]);
    assert.is(done.size, 1);
    assert.is(pending.size, 0);
  });
});

test("cancelling the waiting task leaves the futures alone and removes wait's callbacks", () => {
  runVirtual(function* () {
    const a = createTask(sleep(50));
    const waiter = createTask(wait([a]));
    yield* sleep(5);
    waiter.cancel();
    yield* sleep(1);
    assert.ok(waiter.cancelled());
    assert.not.ok(a.done());
    assert.is(a._cbs, null, "wait's done callback is gone");
    yield* a;
  });
});

test("bad arguments are refused at the call", () => {
  runVirtual(function* () {
    const t = createTask(sleep(1));
    throwsA(() => wait([]), RangeError, "empty");
    throwsA(() => wait([sleep(1)] as any), TypeError, "coroutines");
    throwsA(() => wait([5] as any), TypeError);
    throwsA(() => wait(t as any), TypeError);
    throwsA(() => wait([t], { returnWhen: "SOMETIMES" as any }), RangeError);
    throwsA(() => wait([t], { returnWhen: 1 as any }), TypeError);
    throwsA(() => wait([t], { timeout: NaN }), RangeError);
    throwsA(() => wait([t], { timeout: "1" as any }), TypeError);
    yield* t;
  });
});

test.run();
