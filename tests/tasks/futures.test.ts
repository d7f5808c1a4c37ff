import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop } from "../../src/io/event-loop.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { Future } from "../../src/tasks/future.js";
import { runSync } from "../../src/run.js";
import { CancelledError, InvalidStateError } from "../../src/errors.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { newLoop, throwsA } from "../helpers.js";

/** Runs one pass of `loop` (everything queued now runs). */
function onePass(loop: EventLoop) {
  loop.callSoon(() => loop.stop());
  loop.runForeverSync();
}

test("a pending future refuses result() and exception() with InvalidStateError", () => {
  const { loop } = newLoop();
  const f = loop.createFuture<number>();
  assert.not.ok(f.done());
  assert.not.ok(f.cancelled());
  throwsA(() => f.result(), InvalidStateError);
  throwsA(() => f.exception(), InvalidStateError);
  loop.close();
});

test("a finished future gives its result and a null exception", () => {
  const { loop } = newLoop();
  const f = loop.createFuture<number>();
  f.setResult(42);
  assert.ok(f.done());
  assert.is(f.result(), 42);
  assert.is(f.exception(), null);
  loop.close();
});

test("a failed future rethrows its exception from result() and returns it from exception()", () => {
  const { loop } = newLoop();
  const f = loop.createFuture();
  const err = new RangeError("bad");
  f.setException(err);
  assert.is(f.exception(), err);
  try {
    f.result();
    assert.unreachable();
  } catch (e) {
    assert.is(e, err);
  }
  loop.close();
});

test("setting a result or an exception twice throws InvalidStateError", () => {
  const { loop } = newLoop();
  const f = loop.createFuture();
  f.setResult(1);
  throwsA(() => f.setResult(2), InvalidStateError);
  throwsA(() => f.setException(new Error("x")), InvalidStateError);
  const g = loop.createFuture();
  g.cancel();
  throwsA(() => g.setResult(2), InvalidStateError);
  assert.is(f.result(), 1);
  loop.close();
});

test("cancel with a message: result() and exception() throw CancelledError carrying it", () => {
  const { loop } = newLoop();
  const f = loop.createFuture();
  assert.ok(f.cancel("stop it"));
  assert.ok(f.cancelled());
  assert.ok(f.done());
  throwsA(() => f.result(), CancelledError, "stop it");
  throwsA(() => f.exception(), CancelledError);
  assert.not.ok(f.cancel(), "a second cancel returns false");
  loop.close();
});

test("cancelling a done future returns false and changes nothing", () => {
  const { loop } = newLoop();
  const f = loop.createFuture();
  f.setResult("x");
  assert.not.ok(f.cancel());
  assert.not.ok(f.cancelled());
  assert.is(f.result(), "x");
  loop.close();
});

test("done callbacks run on the next pass, in the order they were added", () => {
  const { loop } = newLoop();
  const f = loop.createFuture<number>();
  const seen: string[] = [];
  f.addDoneCallback(() => seen.push("a"));
  f.addDoneCallback((fut) => seen.push(`b${fut.result()}`));
  f.setResult(7);
  assert.equal(seen, [], "not synchronously");
  onePass(loop);
  assert.equal(seen, ["a", "b7"]);
  f.addDoneCallback(() => seen.push("late"));
  assert.equal(seen, ["a", "b7"]);
  onePass(loop);
  assert.equal(seen, ["a", "b7", "late"]);
  loop.close();
});

test("removeDoneCallback removes every registration and counts them", () => {
  const { loop } = newLoop();
  const f = loop.createFuture();
  const seen: string[] = [];
  const a = () => seen.push("a");
  const b = () => seen.push("b");
  f.addDoneCallback(a);
  f.addDoneCallback(b);
  f.addDoneCallback(a);
  assert.is(f.removeDoneCallback(a), 2);
  assert.is(f.removeDoneCallback(a), 0);
  f.setResult(1);
  onePass(loop);
  assert.equal(seen, ["b"]);
  loop.close();
});

test("addDoneCallback refuses a non-function with TypeError", () => {
  const { loop } = newLoop();
  const f = loop.createFuture();
  throwsA(() => f.addDoneCallback(42 as any), TypeError);
  loop.close();
});

test("an exception never retrieved is reported at the latest when the loop closes", () => {
  const { loop } = newLoop();
  const seen: ExceptionContext[] = [];
  loop.setExceptionHandler((_l, ctx) => seen.push(ctx));
  const f = loop.createFuture();
  const err = new Error("lost");
  f.setException(err);
  assert.equal(seen, []);
  loop.close();
  assert.is(seen.length, 1);
  assert.match(seen[0].message, "never retrieved");
  assert.is(seen[0].exception, err);
});

test("an exception retrieved by exception(), result() or awaiting is not reported", () => {
  const { loop } = newLoop();
  const seen: ExceptionContext[] = [];
  loop.setExceptionHandler((_l, ctx) => seen.push(ctx));
  const a = loop.createFuture();
  a.setException(new Error("a"));
  a.exception();
  const b = loop.createFuture();
  b.setException(new Error("b"));
  assert.throws(() => b.result());
  const c = loop.createFuture();
  const t = loop.createTask(
    (function* () {
      try {
        yield* c;
      } catch {
        return "caught";
      }
    })(),
  );
  loop.callSoon(() => c.setException(new Error("c")));
  assert.is(loop.runUntilCompleteSync(t), "caught");
  loop.close();
  assert.equal(seen, []);
});

test("a task that fails with nobody looking is reported, naming the task", () => {
  const { loop } = newLoop();
  const seen: ExceptionContext[] = [];
  loop.setExceptionHandler((_l, ctx) => seen.push(ctx));
  loop.createTask(
    (function* () {
      yield;
      throw new TypeError("oops");
    })(),
    { name: "careless" },
  );
  loop.runUntilCompleteSync(
    (function* () {
      yield;
      yield;
      yield;
    })(),
  );
  loop.close();
  assert.is(seen.length, 1);
  assert.match(seen[0].message, "Task exception was never retrieved");
  assert.match(String(seen[0].future), "careless");
});

test("a future is iterable: yield* waits for it and returns its result", () => {
  const r = runSync(
    function* () {
      const loop = new Future<number>().getLoop();
      const f = new Future<number>();
      loop.callLater(5, () => f.setResult(5));
      const v = yield* f;
      return [v, loop.time()];
    },
    { host: new VirtualHost() },
  );
  assert.equal(r, [5, 5]);
});

test("awaiting a Future of another loop fails the task with an error", () => {
  const { loop: other } = newLoop();
  const foreign = other.createFuture();
  const r = runSync(
    function* () {
      try {
        yield* foreign;
        return "no error";
      } catch (e) {
        return (e as Error).message;
      }
    },
    { host: new VirtualHost() },
  );
  assert.match(r, "different loop");
  other.close();
});

test("outside the loop, `await` on a future settles with its result or its error", async () => {
  const { loop } = newLoop();
  const a = loop.createFuture<string>();
  a.setResult("ok");
  assert.is(await a, "ok");
  const b = loop.createFuture();
  b.cancel("gone");
  try {
    await b;
    assert.unreachable();
  } catch (e) {
    assert.instance(e, CancelledError);
    assert.is((e as Error).message, "gone");
  }
  loop.close();
});

test("toString shows the state and the result or exception", () => {
  const { loop } = newLoop();
  const f = loop.createFuture();
  assert.is(String(f), "<Future pending>");
  f.setResult(3);
  assert.is(String(f), "<Future finished result=3>");
  const g = loop.createFuture();
  g.cancel();
  assert.is(String(g), "<Future cancelled>");
  loop.close();
});

test.run();
