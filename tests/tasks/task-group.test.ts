import { test } from "uvu";
import * as assert from "uvu/assert";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { currentTask } from "../../src/tasks/current.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import { TaskGroup } from "../../src/tasks/task-group.js";
import { timeout } from "../../src/tasks/timeout.js";
import type { Task } from "../../src/tasks/task.js";
import { CancelledError, ExceptionGroup, TimeoutError } from "../../src/errors.js";
import { runVirtual, now, failAfter, caught } from "../helpers.js";

function messages(e: unknown): string[] {
  assert.instance(e, ExceptionGroup);
  return (e as ExceptionGroup).errors.map((x: any) =>
    x instanceof ExceptionGroup ? `group(${messages(x).join(",")})` : x.message,
  );
}

test("leaving the body waits for every child", () => {
  runVirtual(function* () {
    let a!: Task<string>, b!: Task<string>;
    const r = yield* asyncWith(new TaskGroup(), function* (tg) {
      a = tg.createTask(sleep(10, "a"));
      b = tg.createTask(sleep(20, "b"), { name: "bee" });
      return "body done";
    });
    assert.is(r, "body done");
    assert.is(now(), 20);
    assert.is(a.result(), "a");
    assert.is(b.result(), "b");
    assert.is(b.getName(), "bee");
  });
});

test("a group with no children exits at once", () => {
  runVirtual(function* () {
    yield* asyncWith(new TaskGroup(), function* () {});
    assert.is(now(), 0);
  });
});

test("the first child failure cancels the other children and the body, then an ExceptionGroup is thrown", () => {
  runVirtual(function* () {
    let sibling!: Task<unknown>;
    let bodyCancelled = false;
    const e = yield* caught(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        sibling = tg.createTask(sleep(100));
        tg.createTask(failAfter(10, "boom"));
        try {
          yield* sleep(100);
        } catch (err) {
          bodyCancelled = err instanceof CancelledError;
          throw err;
        }
      }),
    );
    assert.equal(messages(e), ["boom"]);
    assert.ok(bodyCancelled);
    assert.ok(sibling.cancelled());
    assert.is(now(), 10);
    assert.is(currentTask()!.cancelling(), 0, "the group took its cancellation of the parent back");
  });
});

test("the parent goes on normally after catching the group's error", () => {
  runVirtual(function* () {
    yield* caught(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        tg.createTask(failAfter(1, "x"));
        yield* sleep(50);
      }),
    );
    yield* sleep(5);
    assert.is(now(), 6, "no leftover cancellation hit this sleep");
  });
});

test("errors are listed in completion order", () => {
  runVirtual(function* () {
    const e = yield* caught(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        tg.createTask(failAfter(2, "second"));
        tg.createTask(failAfter(1, "first"));
        tg.createTask(
          (function* () {
            try {
              yield* sleep(10);
            } finally {
              throw new Error("while cancelled");
            }
          })(),
        );
      }),
    );
    assert.equal(messages(e), ["first", "while cancelled"]);
    assert.is((e as ExceptionGroup).exceptions, (e as ExceptionGroup).errors);
  });
});

test("children failing in the same pass are all reported", () => {
  runVirtual(function* () {
    const e = yield* caught(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        tg.createTask(failAfter(5, "a"));
        tg.createTask(failAfter(5, "b"));
      }),
    );
    assert.equal(messages(e), ["a", "b"]);
  });
});

test("an error of the body cancels the children and comes last in the ExceptionGroup", () => {
  runVirtual(function* () {
    let child!: Task<unknown>;
    const e = yield* caught(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        child = tg.createTask(sleep(100));
        yield* sleep(1);
        throw new Error("body");
      }),
    );
    assert.equal(messages(e), ["body"]);
    assert.ok(child.cancelled());
    assert.is(now(), 1);
  });
});

test("a child error and a body error raised while cancelled are both kept", () => {
  runVirtual(function* () {
    const e = yield* caught(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        tg.createTask(failAfter(1, "child"));
        try {
          yield* sleep(100);
        } catch {
          throw new Error("body");
        }
      }),
    );
    assert.equal(messages(e), ["child", "body"]);
  });
});

test("the parent cancelled from outside: children are cancelled and CancelledError propagates", () => {
  runVirtual(function* () {
    let child!: Task<unknown>;
    const parent = createTask(
      asyncWith(new TaskGroup(), function* (tg) {
        child = tg.createTask(sleep(100));
        yield* sleep(100);
      }),
    );
    yield* sleep(5);
    parent.cancel("outside");
    const e = yield* caught(() => parent);
    assert.instance(e, CancelledError);
    assert.ok(parent.cancelled());
    assert.ok(child.cancelled());
  });
});

test("the parent cancelled from outside while waiting in the exit: children are cancelled too", () => {
  runVirtual(function* () {
    let child!: Task<unknown>;
    const parent = createTask(
      asyncWith(new TaskGroup(), function* (tg) {
        child = tg.createTask(sleep(100));
      }),
    );
    yield* sleep(5);
    parent.cancel();
    const e = yield* caught(() => parent);
    assert.instance(e, CancelledError);
    assert.ok(child.cancelled());
    assert.is(now(), 5);
  });
});

test("a child error and an outside cancellation together: ExceptionGroup first, the cancellation stays pending", () => {
  runVirtual(function* () {
    const log: string[] = [];
    const parent = createTask(
      (function* () {
        const me = currentTask()!;
        const e = yield* caught(() =>
          asyncWith(new TaskGroup(), function* (tg) {
            const c = tg.createTask(failAfter(10, "child"));
            // Runs right after the group has seen the failure, before the parent resumes.
            c.addDoneCallback(() => me.cancel("outside"));
            yield* sleep(100);
          }),
        );
        log.push(messages(e).join());
        log.push(`cancelling=${me.cancelling()}`);
        try {
          yield* sleep(1);
          log.push("slept");
        } catch (err) {
          log.push(`then ${(err as Error).name}`);
          throw err;
        }
      })(),
    );
    yield* caught(() => parent);
    assert.equal(log, ["child", "cancelling=1", "then CancelledError"]);
    assert.ok(parent.cancelled());
  });
});

test("once a child has failed, createTask refuses new tasks and closes their coroutine", () => {
  runVirtual(function* () {
    let refusal: unknown = null;
    let ran = false;
    const late = (function* () {
      ran = true;
      yield;
    })();
    yield* caught(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        tg.createTask(failAfter(1, "x"));
        try {
          yield* sleep(10);
        } catch {
          try {
            tg.createTask(late);
          } catch (e) {
            refusal = e;
          }
        }
      }),
    );
    assert.instance(refusal, Error);
    assert.match((refusal as Error).message, "shutting down");
    assert.not.ok(ran);
    assert.ok(late.next().done, "the refused coroutine was closed");
  });
});

test("createTask refuses before the group is entered and after it is finished", () => {
  runVirtual(function* () {
    const tg = new TaskGroup();
    assert.throws(() => tg.createTask(sleep(1)), /not been entered/);
    yield* asyncWith(tg, function* () {
      tg.createTask(sleep(1));
    });
    assert.throws(() => tg.createTask(sleep(1)), /finished/);
    assert.throws(
      () => tg.createTask((() => 1) as any),
      (e: unknown) => e instanceof TypeError,
    );
  });
});

test("a group cannot be entered twice", () => {
  runVirtual(function* () {
    const tg = new TaskGroup();
    yield* asyncWith(tg, function* () {});
    const e = yield* caught(() => asyncWith(tg, function* () {}));
    assert.match((e as Error).message, "already been entered");
  });
});

test("children may add children while the group is exiting", () => {
  runVirtual(function* () {
    const done: string[] = [];
    yield* asyncWith(new TaskGroup(), function* (tg) {
      tg.createTask(
        (function* () {
          yield* sleep(5);
          tg.createTask(
            (function* () {
              yield* sleep(5);
              done.push("grandchild");
            })(),
          );
          done.push("child");
        })(),
      );
    });
    assert.equal(done, ["child", "grandchild"]);
    assert.is(now(), 10);
  });
});

test("a child cancelled on its own does not disturb the group", () => {
  runVirtual(function* () {
    yield* asyncWith(new TaskGroup(), function* (tg) {
      const c = tg.createTask(sleep(100));
      tg.createTask(sleep(10));
      yield* sleep(1);
      c.cancel();
    });
    assert.is(now(), 10);
  });
});

test("nested groups: a failure deep inside surfaces as a nested ExceptionGroup and cancels the outer children", () => {
  runVirtual(function* () {
    let outerChild!: Task<unknown>;
    const e = yield* caught(() =>
      asyncWith(new TaskGroup(), function* (outer) {
        outerChild = outer.createTask(sleep(100));
        yield* asyncWith(new TaskGroup(), function* (inner) {
          inner.createTask(failAfter(3, "deep"));
          yield* sleep(100);
        });
      }),
    );
    assert.equal(messages(e), ["group(deep)"]);
    assert.ok(outerChild.cancelled());
    assert.is(now(), 3);
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("nested groups: the outer one cancelled from outside cancels the inner one's children", () => {
  runVirtual(function* () {
    let innerChild!: Task<unknown>;
    const parent = createTask(
      asyncWith(new TaskGroup(), function* () {
        yield* asyncWith(new TaskGroup(), function* (inner) {
          innerChild = inner.createTask(sleep(100));
        });
      }),
    );
    yield* sleep(5);
    parent.cancel();
    assert.instance(yield* caught(() => parent), CancelledError);
    assert.ok(innerChild.cancelled());
  });
});

test("a group inside a timeout: the deadline cancels the children and gives TimeoutError", () => {
  runVirtual(function* () {
    let child!: Task<unknown>;
    const e = yield* caught(() =>
      asyncWith(timeout(10), function* () {
        yield* asyncWith(new TaskGroup(), function* (tg) {
          child = tg.createTask(sleep(100));
        });
      }),
    );
    assert.instance(e, TimeoutError);
    assert.ok(child.cancelled());
    assert.is(now(), 10);
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("a timeout inside the body does not disturb the group", () => {
  runVirtual(function* () {
    const r = yield* asyncWith(new TaskGroup(), function* (tg) {
      const c = tg.createTask(sleep(20, "child"));
      const e = yield* caught(() =>
        asyncWith(timeout(5), function* () {
          yield* sleep(100);
        }),
      );
      assert.instance(e, TimeoutError);
      return c;
    });
    assert.is(r.result(), "child");
    assert.is(now(), 20);
  });
});

test("a child's error inside a timeout wins over the timeout", () => {
  runVirtual(function* () {
    const e = yield* caught(() =>
      asyncWith(timeout(10), function* () {
        yield* asyncWith(new TaskGroup(), function* (tg) {
          tg.createTask(failAfter(5, "child first"));
          yield* sleep(100);
        });
      }),
    );
    assert.equal(messages(e), ["child first"]);
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("many children, one failure: all the others are cancelled", () => {
  runVirtual(function* () {
    const children: Task<unknown>[] = [];
    const e = yield* caught(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        for (let i = 0; i < 1000; i++) children.push(tg.createTask(sleep(100 + i)));
        tg.createTask(failAfter(50, "one"));
      }),
    );
    assert.equal(messages(e), ["one"]);
    assert.ok(children.every((c) => c.cancelled()));
    assert.is(now(), 50);
  });
});

test.run();
