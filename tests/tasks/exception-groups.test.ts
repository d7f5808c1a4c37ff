// ExceptionGroup / BaseExceptionGroup: split, subgroup, derive (mirroring CPython's
// test_exception_group cases) and exceptStar.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { BaseExceptionGroup, ExceptionGroup, KeyboardInterrupt, TimeoutError, exceptStar } from "../../src/errors.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import { sleep } from "../../src/tasks/sleep.js";
import { TaskGroup } from "../../src/tasks/task-group.js";
import { runVirtual, throwsA } from "../helpers.js";

const shape = (g: unknown): unknown =>
  g instanceof BaseExceptionGroup ? g.errors.map(shape) : g === null ? null : (g as Error).message;

function nested() {
  const inner = new ExceptionGroup("inner", [new RangeError("r2"), new TypeError("t2")]);
  return new ExceptionGroup("outer", [new RangeError("r1"), inner, new TypeError("t1")]);
}

test("test_exception_group.test_basics_subgroup_split__bad_arg_type: a matcher must be a class, a list of classes or a predicate", () => {
  const eg = nested();
  throwsA(() => eg.split(42 as never), TypeError);
  throwsA(() => eg.subgroup([RangeError, 1 as never]), TypeError);
});

test("test_exception_group.test_basics_split_by_type__match: split keeps the nesting and the message", () => {
  const eg = nested();
  const [match, rest] = eg.split(RangeError);
  assert.equal(shape(match), ["r1", ["r2"]]);
  assert.equal(shape(rest), [["t2"], "t1"]);
  assert.is(match!.message, "outer");
  assert.instance(match, ExceptionGroup);
  assert.is((match!.errors[1] as ExceptionGroup).message, "inner");
});

test("test_exception_group.test_basics_subgroup_by_predicate__passthrough: a full match is the group itself", () => {
  const eg = nested();
  assert.is(
    eg.subgroup(() => true),
    eg,
  );
  assert.is(eg.subgroup(Error), eg);
  assert.is(eg.subgroup(SyntaxError), null);
  assert.equal(eg.split([RangeError, TypeError]), [eg, null]);
});

test("test_exception_group.test_basics_subgroup_by_predicate__match: a predicate sees groups and leaves", () => {
  const eg = nested();
  const seen: string[] = [];
  const sub = eg.subgroup((e) => {
    seen.push((e as Error).message);
    return (e as Error).message.endsWith("2");
  });
  assert.equal(shape(sub), [["r2", "t2"]]);
  assert.equal(seen, ["outer", "r1", "inner", "r2", "t2", "t1"]);
});

test("test_exception_group.test_split_copies_notes_and_cause: derived groups carry cause and stack", () => {
  const eg = nested();
  eg.cause = new Error("why");
  const [match] = eg.split(TypeError);
  assert.is(match!.cause, eg.cause);
  assert.is(match!.stack, eg.stack);
});

test("test_exception_group.test_derive_and_subclass: split builds parts with derive()", () => {
  class MyGroup extends ExceptionGroup {
    override derive(errors: Iterable<unknown>): MyGroup {
      return new MyGroup(`${this.message}!`, errors);
    }
  }
  const g = new MyGroup("mine", [new RangeError("a"), new TypeError("b")]);
  const [m, r] = g.split(RangeError);
  assert.instance(m, MyGroup);
  assert.is(m!.message, "mine!");
  assert.instance(r, MyGroup);
});

test("test_exception_group.test_basics_ctor: groups check their arguments", () => {
  throwsA(() => new ExceptionGroup("x", []), RangeError, "non-empty");
  throwsA(() => new ExceptionGroup(1 as never, [new Error()]), TypeError);
  throwsA(() => new ExceptionGroup("x", 5 as never), TypeError);
  assert.instance(new ExceptionGroup("x", [new Error()]), AggregateError);
  const base = new BaseExceptionGroup("b", [new KeyboardInterrupt()]);
  assert.equal(base.split(KeyboardInterrupt), [base, null]);
});

test("exceptStar handles the matching parts of a TaskGroup's errors and rethrows the rest", () => {
  const handled: unknown[] = [];
  const rest = runVirtual(function* () {
    try {
      yield* asyncWith(new TaskGroup(), function* (tg) {
        tg.createTask(
          (function* () {
            yield* sleep(1);
            throw new TimeoutError("slow");
          })(),
        );
        tg.createTask(
          (function* () {
            yield* sleep(1);
            throw new RangeError("bad");
          })(),
        );
        tg.createTask(
          (function* () {
            yield* sleep(1);
            throw new SyntaxError("odd");
          })(),
        );
      });
    } catch (e) {
      try {
        exceptStar(e, [TimeoutError, (g) => handled.push(shape(g))], [RangeError, (g) => handled.push(shape(g))]);
      } catch (left) {
        return left;
      }
    }
    return null;
  });
  assert.equal(handled, [["slow"], ["bad"]]);
  assert.equal(shape(rest), ["odd"]);
});

test("exceptStar returns when everything is handled, treats a lone error as a group of one, and collects what handlers throw", () => {
  exceptStar(new ExceptionGroup("g", [new RangeError("a")]), [RangeError, () => {}]);
  let got: unknown = null;
  exceptStar(new RangeError("alone"), [
    RangeError,
    (g) => {
      got = shape(g);
    },
  ]);
  assert.equal(got, ["alone"]);
  const lone = new SyntaxError("unmatched");
  try {
    exceptStar(lone, [RangeError, () => {}]);
  } catch (e) {
    assert.is(e, lone);
  }
  try {
    exceptStar(new ExceptionGroup("g", [new RangeError("a"), new TypeError("b")]), [
      RangeError,
      () => {
        throw new Error("from handler");
      },
    ]);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ExceptionGroup);
    assert.equal(shape(e), ["from handler", ["b"]]);
  }
});

test.run();
