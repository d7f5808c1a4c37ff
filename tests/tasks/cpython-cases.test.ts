// Cases mirrored from CPython 3.13's Lib/test/test_asyncio, each named after the case it follows
// (module.test_name): points where a port could easily differ from asyncio.

import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  BaseException,
  BaseExceptionGroup,
  CancelledError,
  ExceptionGroup,
  InvalidStateError,
  KeyboardInterrupt,
  SystemExit,
} from "../../src/errors.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { runSync } from "../../src/run.js";
import { BoundedSemaphore } from "../../src/sync/semaphore.js";
import { Queue } from "../../src/sync/queue.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { ensureFuture } from "../../src/tasks/ensure-future.js";
import { Future } from "../../src/tasks/future.js";
import { gather } from "../../src/tasks/gather.js";
import { sleep } from "../../src/tasks/sleep.js";
import { Task, isFutureLike } from "../../src/tasks/task.js";
import { TaskGroup } from "../../src/tasks/task-group.js";
import { wait } from "../../src/tasks/wait.js";
import { newLoop, recordErrors, runVirtual, throwsA, thrownBy } from "../helpers.js";

// ---------------------------------------------------------------- ValueError is a RangeError

test("test_locks.test_release_not_acquired: a BoundedSemaphore released too often throws RangeError", () => {
  throwsA(() => new BoundedSemaphore().release(), RangeError, "released too many times");
});

test("test_queues.test_task_done_underflow: taskDone() without a pending item throws RangeError, also after shutdown(true)", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    throwsA(() => q.taskDone(), RangeError, "too many times");
    q.putNowait(1);
    q.putNowait(2);
    q.shutdown(true);
    throwsA(() => q.taskDone(), RangeError, "too many times");
  });
});

test("test_tasks.test_ensure_future_future: a future of another loop throws RangeError", () => {
  const a = newLoop().loop;
  const b = newLoop().loop;
  const f = a.createFuture();
  throwsA(() => ensureFuture(f, b), RangeError, "different loop");
  assert.is(ensureFuture(f, a), f);
  a.close();
  b.close();
});

test("test_tasks.test_constructor_heterogenous_futures: gather() over two loops throws RangeError", () => {
  const a = newLoop().loop;
  const b = newLoop().loop;
  throwsA(() => gather([a.createFuture(), b.createFuture()]), RangeError, "different event loop");
  a.close();
  b.close();
});

// ---------------------------------------------------------------- futures and tasks

test("test_futures.test_tb_logger_not_called_after_cancel: cancel() on a failed future silences the report", () => {
  const loop = new EventLoop({ host: new VirtualHost() });
  const seen: string[] = [];
  loop.setExceptionHandler((_l, ctx) => {
    seen.push(ctx.message);
  });
  const f = new Future(loop);
  f.setException(new Error("boom"));
  assert.is(f.cancel(), false);
  loop.close();
  assert.equal(seen, []);
});

test("test_futures.test_tb_logger_not_called_after_cancel: Task.cancel() on a failed task silences it too", () => {
  const seen = runVirtual(function* () {
    const seen = recordErrors();
    const t = new Task(
      (function* () {
        throw new RangeError("boom");
      })(),
    );
    yield;
    yield;
    assert.ok(t.done());
    assert.is(t.cancel(), false);
    return seen;
  });
  assert.equal(seen, []);
});

test("test_tasks.test_step_result_future: a task waits through an overridden addDoneCallback", () => {
  class Fut<T> extends Future<T> {
    added = 0;
    override addDoneCallback(cb: (f: this) => unknown): void {
      this.added++;
      super.addDoneCallback(cb);
    }
  }
  runVirtual(function* () {
    const fut = new Fut<string>(getRunningLoop());
    const t = new Task(
      (function* () {
        return yield* fut;
      })(),
    );
    yield;
    yield;
    assert.is(fut.added, 1);
    fut.setResult("done");
    assert.is(yield* t, "done");
  });
});

test("test_tasks.test_step_result_future: cancelling a task that waits on such a future cancels the future", () => {
  class Fut<T> extends Future<T> {
    override addDoneCallback(cb: (f: this) => unknown): void {
      super.addDoneCallback(cb);
    }
  }
  runVirtual(function* () {
    const fut = new Fut<string>(getRunningLoop());
    const t = new Task(
      (function* () {
        return yield* fut;
      })(),
    );
    yield;
    t.cancel("stop");
    const e = yield* thrownBy(() => t);
    assert.instance(e, CancelledError);
    assert.ok(fut.cancelled());
  });
});

test("test_tasks.test_set_result_causes_invalid_state: Future's setResult on a pending task is reported once by its next step", () => {
  runVirtual(function* () {
    const seen = recordErrors();
    const t = new Task(
      (function* () {
        yield* sleep(100);
        return 10;
      })(),
    );
    Future.prototype.setResult.call(t, "spam");
    assert.is(yield* t, "spam");
    yield;
    assert.is(seen.length, 1);
    assert.instance(seen[0].exception, InvalidStateError);
    assert.match((seen[0].exception as Error).message, "_step(): already done");
    t.getCoro().return(undefined as never);
  });
});

test("test_tasks.test_task_repr: a task with a cancellation pending says cancelling", () => {
  runVirtual(function* () {
    const t = new Task(sleep(10), undefined, { name: "T" });
    assert.match(String(t), /^<Task pending name="T"/);
    t.cancel();
    assert.match(String(t), /^<Task cancelling name="T"/);
    yield* thrownBy(() => t);
    assert.match(String(t), /^<Task cancelled name="T"/);
  });
});

test("test_futures.test_constructor_positional: new Future(42) throws TypeError at once", () => {
  throwsA(() => new Future(42 as never), TypeError, "EventLoop");
  throwsA(() => new Future(null as never), TypeError, "EventLoop");
});

// ---------------------------------------------------------------- base exceptions

test("test_taskgroups.test_taskgroup_20: KeyboardInterrupt in the body leaves the group unwrapped", () => {
  const e = (() => {
    try {
      runSync(
        function* () {
          yield* asyncWith(new TaskGroup(), function* (tg) {
            tg.createTask(
              (function* () {
                yield* sleep(10);
                throw new RangeError("child");
              })(),
            );
            try {
              yield* sleep(1000);
            } finally {
              throw new KeyboardInterrupt();
            }
          });
        },
        { host: new VirtualHost() },
      );
    } catch (e) {
      return e;
    }
  })();
  assert.instance(e, KeyboardInterrupt);
});

test("test_taskgroups.test_taskgroup_20a: another BaseException makes a BaseExceptionGroup", () => {
  class MyBaseExc extends BaseException {}
  runVirtual(function* () {
    const e = yield* thrownBy(() =>
      asyncWith(new TaskGroup(), function* (tg) {
        tg.createTask(
          (function* () {
            yield* sleep(10);
            throw new RangeError("child");
          })(),
        );
        try {
          yield* sleep(1000);
        } finally {
          throw new MyBaseExc("mine");
        }
      }),
    );
    assert.instance(e, BaseExceptionGroup);
    assert.not.instance(e, ExceptionGroup);
    assert.equal(
      (e as BaseExceptionGroup).errors.map((x) => (x as Error).constructor.name),
      ["RangeError", "MyBaseExc"],
    );
  });
});

test("test_base_events.test_run_until_complete_baseexception: KeyboardInterrupt from a task escapes the loop, which still works", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  loop.setExceptionHandler((_l, ctx) => {
    seen.push(ctx.message);
  });
  const t = loop.createTask(
    (function* (): Coroutine<void> {
      yield;
      throw new KeyboardInterrupt();
    })(),
  );
  throwsA(() => loop.runUntilCompleteSync(t), KeyboardInterrupt);
  assert.ok(t.done());
  assert.instance(t.exception(), KeyboardInterrupt);
  let called = false;
  loop.callSoon(() =>
    loop.callSoon(() => {
      called = true;
      loop.stop();
    }),
  );
  loop.runForeverSync();
  assert.ok(called);
  loop.close();
  assert.equal(seen, []);
});

test("test_runners.test_asyncio_run_raises: SystemExit from a child task ends runSync with it; the rest is cancelled", () => {
  let mainCancelled = false;
  const e = (() => {
    try {
      runSync(
        function* () {
          new Task(
            (function* () {
              yield* sleep(5);
              throw new SystemExit(3);
            })(),
          );
          try {
            yield* sleep(1000);
          } catch (x) {
            mainCancelled = x instanceof CancelledError;
            throw x;
          }
        },
        { host: new VirtualHost() },
      );
    } catch (e) {
      return e;
    }
  })();
  assert.instance(e, SystemExit);
  assert.is((e as SystemExit).code, 3);
  assert.ok(mainCancelled);
});

test("base exceptions: CancelledError, KeyboardInterrupt and SystemExit are BaseExceptions and Errors", () => {
  for (const e of [new CancelledError(), new KeyboardInterrupt(), new SystemExit(1)]) {
    assert.instance(e, BaseException);
    assert.instance(e, Error);
  }
  assert.not.instance(new RangeError(), BaseException);
  throwsA(() => new ExceptionGroup("x", [new KeyboardInterrupt()]), TypeError, "Cannot nest");
  assert.instance(BaseExceptionGroup.of("x", [new RangeError()]), ExceptionGroup);
  assert.not.instance(BaseExceptionGroup.of("x", [new CancelledError()]), ExceptionGroup);
});

// ---------------------------------------------------------------- other awaitables

test("test_futures.test_isfuture: the future protocol is duck-typed", () => {
  const loop = newLoop().loop;
  assert.ok(isFutureLike(loop.createFuture()));
  const duck = {
    getLoop: () => loop,
    addDoneCallback() {},
    done: () => false,
    result() {},
    exception() {},
    cancel: () => false,
  };
  assert.ok(isFutureLike(duck));
  assert.not.ok(isFutureLike({ then() {} }));
  assert.not.ok(isFutureLike(1));
  assert.not.ok(isFutureLike(Future));
  loop.close();
});

test("test_tasks.test_ensure_future_awaitable: ensureFuture() wraps a thenable in a task, and keeps a duck-typed future", async () => {
  const { host } = newLoop();
  const loop = new EventLoop({ host });
  const r = await loop.runUntilComplete(
    (function* () {
      const t = ensureFuture(Promise.resolve(7));
      assert.instance(t, Task);
      return yield* t;
    })(),
  );
  assert.is(r, 7);
  loop.close();
});

test("test_tasks.test_ensure_future_neither: ensureFuture() of a plain value throws TypeError", () => {
  throwsA(() => ensureFuture("ok" as never), TypeError);
});

/** A minimal foreign future: asyncio's protocol on top of a wasio future it keeps inside. */
class DuckFuture<T> {
  readonly inner: Future<T>;
  constructor(loop: EventLoop) {
    this.inner = new Future<T>(loop);
  }
  getLoop() {
    return this.inner.getLoop();
  }
  done() {
    return this.inner.done();
  }
  result() {
    return this.inner.result();
  }
  exception() {
    return this.inner.exception();
  }
  cancel(msg?: string) {
    return this.inner.cancel(msg);
  }
  addDoneCallback(cb: (f: unknown) => void) {
    this.inner.addDoneCallback(() => cb(this));
  }
  *[Symbol.iterator](): Generator<any, T, unknown> {
    if (!this.done()) yield this;
    return this.result();
  }
}

test("test_tasks.test_task_awaits_on_foreign_future: a task awaits a duck-typed future with yield*", () => {
  runVirtual(function* () {
    const loop = getRunningLoop();
    const duck = new DuckFuture<number>(loop);
    assert.is(ensureFuture(duck as never), duck);
    loop.callLater(5, () => duck.inner.setResult(42));
    assert.is(yield* duck, 42);
    const failing = new DuckFuture<number>(loop);
    loop.callLater(5, () => failing.inner.setException(new RangeError("bad")));
    assert.instance(yield* thrownBy(() => failing as never), RangeError);
  });
});

test("test_tasks.test_wait_with_iterator_of_tasks: wait() takes a generator of tasks", () => {
  runVirtual(function* () {
    const a = new Task(sleep(10, "a"));
    const b = new Task(sleep(20, "b"));
    const [done, pending] = yield* wait(
      (function* () {
        yield a;
        yield b;
      })() as never,
    );
    assert.is(done.size, 2);
    assert.is(pending.size, 0);
  });
});

test("test_tasks.test_wait_errors: wait() of a lone future names it in a complete message", () => {
  runVirtual(function* () {
    const f = new Future(getRunningLoop());
    throwsA(() => wait(f as never), TypeError, "not a single Future");
    f.cancel();
  });
});

test.run();
