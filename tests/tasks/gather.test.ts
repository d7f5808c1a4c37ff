import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { Future } from "../../src/tasks/future.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { gather } from "../../src/tasks/gather.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { CancelledError } from "../../src/errors.js";
import { runVirtual, now, failAfter, throwsA } from "../helpers.js";

test("gather runs its children concurrently and returns the results in argument order", () => {
  const r = runVirtual(function* () {
    const t = createTask(sleep(3, "task"));
    const fut = new Future<string>();
    getRunningLoop().callLater(1, () => fut.setResult("future"));
    const results = yield* gather([sleep(10, "slow"), sleep(5, "fast"), t, fut]);
    return [results, now()];
  });
  assert.equal(r, [["slow", "fast", "task", "future"], 10]);
});

test("gather's result is typed as a tuple", () => {
  runVirtual(function* () {
    const [a, b] = yield* gather([sleep(1, 1), sleep(1, "x")]);
    const n: number = a;
    const s: string = b;
    assert.equal([n, s], [1, "x"]);
  });
});

test("coroutines start at once, before the gather is awaited", () => {
  runVirtual(function* () {
    const started: number[] = [];
    const child = function* (i: number) {
      started.push(i);
      yield;
      return i;
    };
    const g = gather([child(1), child(2)]);
    yield;
    assert.equal(started, [1, 2]);
    assert.equal(yield* g, [1, 2]);
  });
});

test("the first failure ends the gather at once while the other children keep running", () => {
  runVirtual(function* () {
    const slow = createTask(sleep(50, "slow"));
    try {
      yield* gather([failAfter(10, "boom"), slow]);
      assert.unreachable();
    } catch (e) {
      assert.is((e as Error).message, "boom");
      assert.is(now(), 10);
    }
    assert.not.ok(slow.done());
    assert.is(yield* slow, "slow");
  });
});

test("with returnExceptions, failures and cancellations take their place in the results", () => {
  runVirtual(function* () {
    const doomed = createTask(sleep(100));
    const g = gather([sleep(5, "ok"), failAfter(1, "bad"), doomed], { returnExceptions: true });
    yield;
    doomed.cancel("cut");
    const [ok, bad, cut] = yield* g;
    assert.is(ok, "ok");
    assert.instance(bad, Error);
    assert.is((bad as Error).message, "bad");
    assert.instance(cut, CancelledError);
    assert.is((cut as Error).message, "cut");
  });
});

test("a child cancelled on its own makes the gather fail with CancelledError", () => {
  runVirtual(function* () {
    const doomed = createTask(sleep(100));
    const other = createTask(sleep(200));
    const g = gather([doomed, other]);
    yield;
    doomed.cancel();
    try {
      yield* g;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    assert.not.ok(g.cancelled(), "the gather itself was not cancelled: it failed");
    assert.not.ok(other.done());
    other.cancel();
  });
});

test("cancelling the gather cancels every child and the awaiting task sees CancelledError", () => {
  runVirtual(function* () {
    const a = createTask(sleep(100));
    const b = createTask(sleep(100));
    const g = gather([a, b, sleep(100)]);
    const waiter = createTask(
      (function* () {
        return yield* g;
      })(),
    );
    yield* sleep(1);
    assert.ok(g.cancel("stop"));
    yield* sleep(1);
    assert.ok(a.cancelled());
    assert.ok(b.cancelled());
    assert.ok(waiter.cancelled());
    throwsA(() => waiter.result(), CancelledError, "stop");
    assert.is(now(), 2);
  });
});

test("a cancelled gather fails with CancelledError even with returnExceptions", () => {
  runVirtual(function* () {
    const g = gather([sleep(100), sleep(100)], { returnExceptions: true });
    yield;
    g.cancel();
    try {
      yield* g;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
  });
});

test("a cancelled gather fails with CancelledError even when its children ignore the cancellation", () => {
  runVirtual(function* () {
    const stubborn = function* () {
      try {
        yield* sleep(100);
      } catch {
        /* ignore */
      }
      return "still here";
    };
    const g = gather([stubborn(), stubborn()]);
    yield;
    assert.ok(g.cancel());
    try {
      yield* g;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
  });
});

test("cancelling the task that awaits a gather cancels the children through it", () => {
  runVirtual(function* () {
    const children = [createTask(sleep(10)), createTask(sleep(20))];
    const parent = createTask(
      (function* () {
        yield* gather(children);
      })(),
    );
    yield;
    parent.cancel();
    yield* sleep(1);
    assert.ok(children.every((c) => c.cancelled()));
    assert.ok(parent.cancelled());
  });
});

test("a gather whose children are all done refuses cancel() and gives the results", () => {
  runVirtual(function* () {
    const f = new Future<number>();
    const child = createTask(
      (function* () {
        return yield* f;
      })(),
    );
    const g = gather([child]);
    yield; // the child now waits on f
    let refused: boolean | null = null;
    f.addDoneCallback(() => {
      refused = g.cancel(); // runs right after the child's wake-up, which finishes it
    });
    f.setResult(42);
    assert.equal(yield* g, [42]);
    assert.is(refused, false);
    assert.not.ok(g.cancelled());
  });
});

test("gather over nothing is an already finished future with []", () => {
  runVirtual(function* () {
    const g = gather([]);
    assert.ok(g.done());
    assert.equal(g.result(), []);
    yield;
  });
});

test("gather over futures that are all done is done at once", () => {
  runVirtual(function* () {
    const a = new Future<number>();
    const b = new Future<number>();
    a.setResult(1);
    b.setResult(2);
    const g = gather([a, b]);
    assert.ok(g.done());
    assert.equal(g.result(), [1, 2]);
    yield;
  });
});

test("the same future twice gives its result twice; the same coroutine twice runs once", () => {
  runVirtual(function* () {
    let runs = 0;
    const coro = (function* () {
      runs++;
      yield* sleep(1);
      return "c";
    })();
    const t = createTask(sleep(2, "t"));
    assert.equal(yield* gather([t, coro, t, coro]), ["t", "c", "t", "c"]);
    assert.is(runs, 1);
  });
});

test("a child in two gathers at once reports to both", () => {
  runVirtual(function* () {
    const t = createTask(sleep(3, "shared"));
    const g1 = gather([t, sleep(1, 1)]);
    const g2 = gather([sleep(5, 2), t]);
    assert.equal(yield* g1, ["shared", 1]);
    assert.equal(yield* g2, [2, "shared"]);
  });
});

test("failures after the first are marked retrieved, the gather's own failure is not lost", () => {
  const seen: ExceptionContext[] = [];
  runVirtual(function* () {
    getRunningLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
    try {
      yield* gather([failAfter(1, "first"), failAfter(2, "second")]);
    } catch (e) {
      assert.is((e as Error).message, "first");
    }
    yield* sleep(5);
  });
  assert.equal(seen, [], "nothing reported as never retrieved");
});

test("gather refuses a lone future or coroutine, and non-awaitables, with TypeError", () => {
  runVirtual(function* () {
    throwsA(() => gather(new Future() as any), TypeError);
    throwsA(() => gather(sleep(1) as any), TypeError);
    throwsA(() => gather([1 as any]), TypeError);
    throwsA(() => gather(42 as any), TypeError);
    throwsA(() => gather([], 5 as any), TypeError);
    yield;
  });
});

test("gather refuses futures of another loop", () => {
  const other = new EventLoop({ host: new VirtualHost() });
  runVirtual(function* () {
    throwsA(() => gather([new Future(), other.createFuture()]), Error, "different event loop");
    yield;
  });
  other.close();
});

test("gather accepts any iterable of awaitables", () => {
  const r = runVirtual(function* () {
    const set = new Set([createTask(sleep(1, "a")), createTask(sleep(2, "b"))]);
    return yield* gather(set);
  });
  assert.equal(r, ["a", "b"]);
});

test("20,000 sleeping tasks, half cancelled, gathered with returnExceptions", () => {
  runVirtual(function* () {
    const n = 20_000;
    const tasks = [];
    for (let i = 0; i < n; i++) tasks.push(createTask(sleep(i % 100, i)));
    for (let i = 1; i < n; i += 2) tasks[i].cancel();
    const results = yield* gather(tasks, { returnExceptions: true });
    assert.is(results.length, n);
    assert.is(results[0], 0);
    assert.instance(results[1], CancelledError);
    assert.is(results[n - 2], n - 2);
    assert.is(now(), 98);
  });
});

test("nested gathers: cancelling the outer one reaches the innermost children", () => {
  runVirtual(function* () {
    const leaves = [createTask(sleep(100)), createTask(sleep(100)), createTask(sleep(100))];
    const inner = gather([leaves[0], leaves[1]]);
    const outer = gather([inner, leaves[2]]);
    yield;
    assert.ok(outer.cancel());
    try {
      yield* outer;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    yield* sleep(1);
    assert.ok(leaves.every((t) => t.cancelled()));
    assert.ok(inner.done());
  });
});

test.run();
