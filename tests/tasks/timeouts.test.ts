import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { currentTask } from "../../src/tasks/current.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import { Timeout, timeout, timeoutAt } from "../../src/tasks/timeout.js";
import { runSync } from "../../src/run.js";
import { CancelledError, TimeoutError } from "../../src/errors.js";
import { runVirtual, now, throwsA, thrownBy } from "../helpers.js";

test("a body that outlives its timeout ends with TimeoutError exactly at the deadline", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    assert.is(cm.when(), 10);
    const e = yield* thrownBy(() =>
      asyncWith(cm, function* () {
        yield* sleep(100);
      }),
    );
    assert.instance(e, TimeoutError);
    assert.instance((e as Error).cause, CancelledError, "the CancelledError is kept as the cause");
    assert.is(now(), 10);
    assert.ok(cm.expired());
    assert.is(currentTask()!.cancelling(), 0, "the timeout took its cancellation back");
  });
});

test("a body that finishes in time returns its value and the timeout is not expired", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    const v = yield* asyncWith(cm, function* (entered) {
      assert.is(entered, cm, "aenter gives the Timeout itself");
      yield* sleep(5);
      return "in time";
    });
    assert.is(v, "in time");
    assert.not.ok(cm.expired());
    yield* sleep(20);
    assert.not.ok(cm.expired(), "the timer was cancelled on exit");
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("timeout(null) never expires", () => {
  runVirtual(function* () {
    const cm = timeout(null);
    assert.is(cm.when(), null);
    yield* asyncWith(cm, function* () {
      yield* sleep(1e9);
    });
    assert.not.ok(cm.expired());
    assert.is(now(), 1e9);
  });
});

test("a zero or negative timeout expires at the first suspension", () => {
  runVirtual(function* () {
    for (const delay of [0, -5]) {
      let ranBody = false;
      const e = yield* thrownBy(() =>
        asyncWith(timeout(delay), function* () {
          ranBody = true;
          yield* sleep(1);
        }),
      );
      assert.ok(ranBody, "the body starts");
      assert.instance(e, TimeoutError);
    }
    assert.is(now(), 0);
  });
});

test("timeoutAt takes a loop time", () => {
  runVirtual(function* () {
    yield* sleep(5);
    const cm = timeoutAt(now() + 7);
    const e = yield* thrownBy(() =>
      asyncWith(cm, function* () {
        yield* sleep(100);
      }),
    );
    assert.instance(e, TimeoutError);
    assert.is(now(), 12);
    assert.is(cm.when(), 12);
  });
});

test("nested timeouts with the same deadline: only the outer one raises TimeoutError", () => {
  runVirtual(function* () {
    const deadline = now() + 10;
    let innerSaw: unknown = null;
    const outer = timeoutAt(deadline);
    const inner = timeoutAt(deadline);
    const e = yield* thrownBy(() =>
      asyncWith(outer, function* () {
        try {
          yield* asyncWith(inner, function* () {
            yield* sleep(100);
          });
        } catch (err) {
          innerSaw = err;
          throw err;
        }
      }),
    );
    assert.instance(innerSaw, CancelledError, "the inner timeout let the cancellation through");
    assert.instance(e, TimeoutError);
    assert.ok(outer.expired());
    assert.ok(inner.expired());
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("an inner timeout that expires leaves the outer one running and the task uncancelled", () => {
  runVirtual(function* () {
    const outer = timeout(50);
    const v = yield* asyncWith(outer, function* () {
      const e = yield* thrownBy(() =>
        asyncWith(timeout(10), function* () {
          yield* sleep(100);
        }),
      );
      assert.instance(e, TimeoutError);
      assert.is(currentTask()!.cancelling(), 0);
      yield* sleep(20);
      return "outer survived";
    });
    assert.is(v, "outer survived");
    assert.not.ok(outer.expired());
    assert.is(now(), 30);
  });
});

test("an outer timeout expiring while an inner one is active raises TimeoutError from the outer", () => {
  runVirtual(function* () {
    const outer = timeout(10);
    const inner = timeout(50);
    const e = yield* thrownBy(() =>
      asyncWith(outer, function* () {
        yield* asyncWith(inner, function* () {
          yield* sleep(100);
        });
      }),
    );
    assert.instance(e, TimeoutError);
    assert.ok(outer.expired());
    assert.not.ok(inner.expired());
    assert.is(now(), 10);
  });
});

test("a foreign error raised in the body passes through unchanged", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    const boom = new RangeError("boom");
    const e = yield* thrownBy(() =>
      asyncWith(cm, function* () {
        yield* sleep(1);
        throw boom;
      }),
    );
    assert.is(e, boom);
    assert.not.ok(cm.expired());
  });
});

test("a foreign error raised while the timeout expires wins over TimeoutError", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    const e = yield* thrownBy(() =>
      asyncWith(cm, function* () {
        try {
          yield* sleep(100);
        } finally {
          throw new SyntaxError("crash in cleanup");
        }
      }),
    );
    assert.instance(e, SyntaxError);
    assert.ok(cm.expired());
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("a cancellation from outside is never turned into TimeoutError, even when the timeout also fired", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    const t = createTask(
      asyncWith(cm, function* () {
        yield* sleep(100);
      }),
    );
    // Fires at the deadline too, in the same pass as the timeout's own callback.
    getRunningLoop().callLater(10, () => t.cancel("from outside"));
    const e = yield* thrownBy(() => t);
    assert.instance(e, CancelledError);
    assert.is((e as Error).message, "from outside");
    assert.ok(cm.expired());
    assert.ok(t.cancelled());
  });
});

test("a cancellation from outside before the deadline propagates as CancelledError", () => {
  runVirtual(function* () {
    const cm = timeout(50);
    const t = createTask(
      asyncWith(cm, function* () {
        yield* sleep(100);
      }),
    );
    yield* sleep(5);
    t.cancel();
    const e = yield* thrownBy(() => t);
    assert.instance(e, CancelledError);
    assert.not.ok(cm.expired());
  });
});

test("a body that swallows the timeout's cancellation ends normally and the count is restored", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    const v = yield* asyncWith(cm, function* () {
      try {
        yield* sleep(100);
      } catch {
        return "swallowed";
      }
      return "slept";
    });
    assert.is(v, "swallowed");
    assert.ok(cm.expired());
    assert.is(currentTask()!.cancelling(), 0);
  });
});

test("reschedule moves the deadline, later or earlier, and null removes it", () => {
  runVirtual(function* () {
    const later = timeout(10);
    const e1 = yield* thrownBy(() =>
      asyncWith(later, function* (cm) {
        cm.reschedule(now() + 30);
        yield* sleep(100);
      }),
    );
    assert.instance(e1, TimeoutError);
    assert.is(now(), 30);
    assert.is(later.when(), 30);

    const earlier = timeout(100);
    const e2 = yield* thrownBy(() =>
      asyncWith(earlier, function* (cm) {
        yield* sleep(5);
        cm.reschedule(now() + 5);
        yield* sleep(100);
      }),
    );
    assert.instance(e2, TimeoutError);
    assert.is(now(), 40);

    const never = timeout(10);
    yield* asyncWith(never, function* (cm) {
      cm.reschedule(null);
      yield* sleep(50);
    });
    assert.not.ok(never.expired());
    assert.is(never.when(), null);
    assert.is(now(), 90);
  });
});

test("rescheduling to a time already past expires at the next pass", () => {
  runVirtual(function* () {
    yield* sleep(10);
    const e = yield* thrownBy(() =>
      asyncWith(timeout(100), function* (cm) {
        cm.reschedule(now() - 5);
        yield* sleep(100);
      }),
    );
    assert.instance(e, TimeoutError);
    assert.is(now(), 10);
  });
});

test("reschedule refuses to work before entry, after exit and after expiry", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    throwsA(() => cm.reschedule(5), Error, "not been entered");
    yield* asyncWith(cm, function* () {
      yield* sleep(1);
    });
    throwsA(() => cm.reschedule(5), Error, "finished");
    const expired = timeout(1);
    yield* thrownBy(() =>
      asyncWith(expired, function* () {
        yield* sleep(5);
      }),
    );
    throwsA(() => expired.reschedule(50), Error, "expired");
  });
});

test("a Timeout can be entered once and only inside a task", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    yield* asyncWith(cm, function* () {
      yield;
    });
    const e = yield* thrownBy(() =>
      asyncWith(cm, function* () {
        yield;
      }),
    );
    assert.instance(e, Error);
    assert.match((e as Error).message, "already been entered");
  });
  const loop = new EventLoop({ host: new VirtualHost() });
  loop.callSoon(() => {
    const gen = new Timeout(5).aenter();
    try {
      gen.next();
      assert.unreachable();
    } catch (e) {
      assert.match((e as Error).message, "inside a task");
    }
    loop.stop();
  });
  loop.runForeverSync();
  loop.close();
});

test("bad delays are refused at the call: NaN and Infinity with RangeError, strings with TypeError", () => {
  runVirtual(function* () {
    throwsA(() => timeout(NaN), RangeError);
    throwsA(() => timeout(Infinity), RangeError);
    throwsA(() => timeout("5" as any), TypeError);
    throwsA(() => timeoutAt(NaN), RangeError);
    yield* asyncWith(timeout(10), function* (cm) {
      throwsA(() => cm.reschedule(NaN), RangeError);
      yield;
    });
  });
});

test("timeout() needs a running loop but timeoutAt() does not", () => {
  throwsA(() => timeout(5), Error, "no running event loop");
  assert.is(timeoutAt(5).when(), 5);
  assert.is(timeoutAt(null).when(), null);
});

test("a task whose timeout expired can still be cancelled from outside afterwards", () => {
  runVirtual(function* () {
    const t = createTask(
      (function* () {
        yield* thrownBy(() =>
          asyncWith(timeout(5), function* () {
            yield* sleep(100);
          }),
        );
        yield* sleep(100);
        return "not cancelled";
      })(),
    );
    yield* sleep(10);
    assert.is(t.cancelling(), 0);
    t.cancel();
    const e = yield* thrownBy(() => t);
    assert.instance(e, CancelledError);
  });
});

test("a loop busy past the inner deadline: the inner timeout fires, the outer one interrupts the next wait", () => {
  const host = new VirtualHost();
  runSync(
    function* () {
      const t0 = now();
      const e = yield* thrownBy(() =>
        asyncWith(timeout(100), function* () {
          const inner = yield* thrownBy(() =>
            asyncWith(timeout(10), function* () {
              host.advance(50); // pretend the loop is busy computing for 50 ms
              yield* sleep(1000);
            }),
          );
          assert.instance(inner, TimeoutError);
          yield* sleep(10_000); // interrupted by the outer timeout
        }),
      );
      assert.instance(e, TimeoutError);
      assert.is(now() - t0, 100);
    },
    { host },
  );
});

test("a loop busy past both deadlines: both fire in one pass and only the outer one converts", () => {
  const host = new VirtualHost();
  runSync(
    function* () {
      let innerSaw: unknown = null;
      const e = yield* thrownBy(() =>
        asyncWith(timeout(100), function* () {
          innerSaw = yield* thrownBy(() =>
            asyncWith(timeout(10), function* () {
              host.advance(150);
              yield* sleep(1000);
            }),
          );
          throw innerSaw;
        }),
      );
      assert.instance(
        innerSaw,
        CancelledError,
        "the outer request is still pending, so the inner one must not convert",
      );
      assert.instance(e, TimeoutError);
      assert.is(currentTask()!.cancelling(), 0);
    },
    { host },
  );
});

test("a timeout nested in the finally of an expiring one: both raise TimeoutError in turn", () => {
  runVirtual(function* () {
    let innerError: unknown = null;
    const e = yield* thrownBy(() =>
      asyncWith(timeout(10), function* () {
        try {
          yield* sleep(1000);
        } finally {
          innerError = yield* thrownBy(() =>
            asyncWith(timeout(10), function* () {
              yield* sleep(10_000);
            }),
          );
        }
      }),
    );
    assert.instance(innerError, TimeoutError);
    assert.instance(e, TimeoutError);
    assert.is(now(), 20);
  });
});

test("a timeout entered while a cancellation is already counted still raises TimeoutError", () => {
  runVirtual(function* () {
    const me = currentTask()!;
    try {
      me.cancel();
      yield* sleep(1000);
    } catch {
      /* the work was cancelled */
    }
    assert.is(me.cancelling(), 1);
    const e = yield* thrownBy(() =>
      asyncWith(timeout(0), function* () {
        yield* sleep(1000); // some cleanup
      }),
    );
    assert.instance(e, TimeoutError);
    assert.is(me.cancelling(), 1);
  });
});

test("a new cancellation inside a timeout entered after an earlier one propagates as CancelledError", () => {
  runVirtual(function* () {
    const me = currentTask()!;
    try {
      me.cancel();
      yield* sleep(1000);
    } catch {
      /* cancelled */
    }
    const e = yield* thrownBy(() =>
      asyncWith(timeout(1000), function* () {
        me.cancel();
        yield* sleep(2000);
      }),
    );
    assert.instance(e, CancelledError);
  });
});

test("a timeout of 0 around a bare yield expires", () => {
  runVirtual(function* () {
    const cm = timeout(0);
    const e = yield* thrownBy(() =>
      asyncWith(cm, function* () {
        yield* sleep(0);
      }),
    );
    assert.instance(e, TimeoutError);
    assert.ok(cm.expired());
    assert.is(cm.when(), 0);
  });
});

test("toString names the state, and the deadline while active", () => {
  runVirtual(function* () {
    const cm = timeout(10);
    assert.is(String(cm), "<Timeout [created]>");
    yield* asyncWith(cm, function* () {
      assert.is(String(cm), "<Timeout [active] when=10>");
      yield;
    });
    assert.is(String(cm), "<Timeout [finished]>");
    const ex = timeout(1);
    yield* thrownBy(() =>
      asyncWith(ex, function* () {
        yield* sleep(5);
      }),
    );
    assert.is(String(ex), "<Timeout [expired]>");
  });
});

test.run();
