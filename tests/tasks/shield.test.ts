import { test } from "uvu";
import * as assert from "uvu/assert";
import { getRunningLoop } from "../../src/loop/running.js";
import { Future } from "../../src/tasks/future.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { shield } from "../../src/tasks/shield.js";
import { waitFor } from "../../src/tasks/wait-for.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { CancelledError, TimeoutError } from "../../src/errors.js";
import { runVirtual, now, caught } from "../helpers.js";

test("a shielded awaitable gives its result like the awaitable itself", () => {
  runVirtual(function* () {
    assert.is(yield* shield(sleep(5, "x")), "x");
    assert.is(now(), 5);
  });
});

test("cancelling the task awaiting a shield leaves the inner task running", () => {
  runVirtual(function* () {
    const inner = createTask(sleep(20, "inner"));
    const outer = createTask(
      (function* () {
        return yield* shield(inner);
      })(),
    );
    yield* sleep(5);
    outer.cancel();
    const e = yield* caught(() => outer);
    assert.instance(e, CancelledError);
    assert.is(now(), 5);
    assert.not.ok(inner.done());
    assert.is(yield* inner, "inner");
    assert.is(now(), 20);
  });
});

test("cancelling the shield's outer future itself does not reach the inner one", () => {
  runVirtual(function* () {
    const inner = createTask(sleep(10, "ok"));
    const outer = shield(inner);
    assert.ok(outer.cancel());
    assert.ok(outer.cancelled());
    assert.is(yield* inner, "ok");
  });
});

test("cancelling the inner task cancels the shield", () => {
  runVirtual(function* () {
    const inner = createTask(sleep(10));
    const outer = shield(inner);
    yield;
    inner.cancel();
    assert.instance(yield* caught(() => outer), CancelledError);
    assert.ok(outer.cancelled());
  });
});

test("the inner failure passes through the shield and counts as retrieved", () => {
  const seen: ExceptionContext[] = [];
  runVirtual(function* () {
    getRunningLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
    const boom = new Error("boom");
    const e = yield* caught(() =>
      shield(
        (function* () {
          yield* sleep(1);
          throw boom;
        })(),
      ),
    );
    assert.is(e, boom);
  });
  assert.equal(seen, []);
});

test("shield of a done future is that future", () => {
  runVirtual(function* () {
    const f = new Future<number>();
    f.setResult(3);
    assert.is(shield(f), f);
    yield;
  });
});

test("waitFor over a shield times out but the work goes on", () => {
  runVirtual(function* () {
    const work = createTask(sleep(30, "finished anyway"));
    const e = yield* caught(() => waitFor(shield(work), 10));
    assert.instance(e, TimeoutError);
    assert.is(now(), 10);
    assert.not.ok(work.done());
    assert.is(yield* work, "finished anyway");
  });
});

test("shield refuses what is not awaitable with TypeError", () => {
  runVirtual(function* () {
    assert.throws(
      () => shield(42 as any),
      (e: unknown) => e instanceof TypeError,
    );
    yield;
  });
});

test.run();
