// Context variables with asyncio's rules (mirroring CPython's test_context and test_tasks cases).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { Context, ContextVar, LookupError, Token, copyContext } from "../../src/loop/context.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { createTask } from "../../src/tasks/create-task.js";
import { gather } from "../../src/tasks/gather.js";
import { sleep } from "../../src/tasks/sleep.js";
import { runVirtual, throwsA } from "../helpers.js";

test("test_context.test_context_var_new_1: get() falls back to the argument, then the default, then throws LookupError", () => {
  const v = new ContextVar<number>("v");
  throwsA(() => v.get(), LookupError, "has no value");
  assert.is(v.get(5), 5);
  const d = new ContextVar("d", { default: 1 });
  assert.is(d.get(), 1);
  assert.is(String(v), '<ContextVar name="v">');
});

test("test_context.test_context_getset_1: set() returns a token and reset() restores", () => {
  const v = new ContextVar<string>("v");
  new Context().run(() => {
    const t1 = v.set("a");
    assert.is(t1.oldValue, Token.MISSING);
    const t2 = v.set("b");
    assert.is(t2.oldValue, "a");
    assert.is(v.get(), "b");
    v.reset(t2);
    assert.is(v.get(), "a");
    throwsA(() => v.reset(t2), Error, "already been used");
    v.reset(t1);
    assert.is(v.get("none"), "none");
  });
});

test("test_context.test_context_getset_4: a token of another variable or context is a RangeError", () => {
  const a = new ContextVar<number>("a");
  const b = new ContextVar<number>("b");
  const ctx = new Context();
  const t = ctx.run(() => a.set(1));
  throwsA(() => b.reset(t as never), RangeError, "different ContextVar");
  throwsA(() => a.reset(t), RangeError, "different Context");
});

test("test_context.test_context_copy_1: a copy keeps the values and does not see later changes", () => {
  const v = new ContextVar<number>("v");
  const ctx = new Context();
  ctx.run(() => {
    v.set(1);
    const copy = copyContext();
    v.set(2);
    assert.is(copy.get(v), 1);
    assert.is(ctx.get(v), 2);
    copy.run(() => assert.is(v.get(), 1));
  });
  assert.is(ctx.size, 1);
  assert.equal([...ctx.keys()], [v]);
});

test("test_context.test_context_run_5: a context cannot be entered twice at once", () => {
  const ctx = new Context();
  throwsA(() => ctx.run(() => ctx.run(() => 1)), Error, "already entered");
});

test("test_tasks.test_context_1: each task runs in a copy of the context current at its creation", () => {
  const v = new ContextVar<string>("v", { default: "base" });
  const r = runVirtual(function* () {
    v.set("main");
    function* child(name: string) {
      const before = v.get();
      v.set(name);
      yield* sleep(1);
      return `${before}->${v.get()}`;
    }
    const out = yield* gather([createTask(child("a")), createTask(child("b"))]);
    return [out, v.get()];
  });
  assert.equal(r, [["main->a", "main->b"], "main"]);
});

test("test_tasks.test_context_3: the context option makes a task run in that context itself", () => {
  const v = new ContextVar<number>("v", { default: 0 });
  const ctx = new Context();
  runVirtual(function* () {
    yield* createTask(
      (function* () {
        v.set(42);
        yield;
      })(),
      { context: ctx },
    );
    assert.is(v.get(), 0);
  });
  assert.is(ctx.get(v), 42);
});

test("test_base_events.test_call_soon_context: callbacks run in a copy of the scheduling context, or the context option", () => {
  const v = new ContextVar<string>("v", { default: "none" });
  const seen: string[] = [];
  const explicit = new Context();
  explicit.run(() => v.set("explicit"));
  runVirtual(function* () {
    const loop = getRunningLoop();
    v.set("task");
    loop.callSoon(() => {
      seen.push(v.get());
      v.set("changed");
    });
    loop.callLater(1, () => seen.push(v.get()));
    loop.callSoon({ context: explicit }, (x: string) => seen.push(`${v.get()} ${x}`), "arg");
    loop.callAt(loop.time() + 2, { context: explicit }, () => seen.push(v.get()));
    yield* sleep(5);
    assert.is(v.get(), "task");
  });
  assert.equal(seen, ["task", "explicit arg", "task", "explicit"]);
});

test("the options form of callSoon checks its arguments", () => {
  runVirtual(function* () {
    const loop = getRunningLoop();
    throwsA(() => loop.callSoon({ context: 1 as never }, () => {}), TypeError, "Context");
    throwsA(() => loop.callSoon({}, 5 as never), TypeError, "must be a function");
    throwsA(() => loop.callSoon(5 as never), TypeError, "must be a function");
  });
});

test("test_context.test_context_tokens_1 (construction): a Token is made by set() only; constructing one is a TypeError", () => {
  const Ctor = Token as unknown as new (...args: unknown[]) => unknown;
  assert.throws(
    () => new Ctor(Object.create(null), Object.create(null), 1),
    (e: unknown) => e instanceof TypeError,
  );
  assert.throws(
    () => new Ctor(new Context(), {}, 1),
    (e: unknown) => e instanceof TypeError,
  );
});

test.run();
