// The two ways to hold a lock or semaphore for a scope: `yield* asyncWith(prim, body)` (the
// async context manager protocol) and `using held = yield* prim.hold()` (a Disposable).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError } from "../../src/errors.js";
import { Barrier } from "../../src/sync/barrier.js";
import { Condition } from "../../src/sync/condition.js";
import { Held, disposeSymbol } from "../../src/sync/held.js";
import { Lock } from "../../src/sync/lock.js";
import { BoundedSemaphore, Semaphore } from "../../src/sync/semaphore.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import { createTask } from "../../src/tasks/create-task.js";
import { runVirtual } from "../helpers.js";

/** Lock-like primitives, and how to tell whether one is held. */
const primitives: [string, () => { prim: Lock | Semaphore | Condition; held: () => boolean }][] = [
  [
    "Lock",
    () => {
      const prim = new Lock();
      return { prim, held: () => prim.locked() };
    },
  ],
  [
    "Semaphore",
    () => {
      const prim = new Semaphore();
      return { prim, held: () => prim.locked() };
    },
  ],
  [
    "BoundedSemaphore",
    () => {
      const prim = new BoundedSemaphore();
      return { prim, held: () => prim.locked() };
    },
  ],
  [
    "Condition",
    () => {
      const prim = new Condition();
      return { prim, held: () => prim.locked() };
    },
  ],
];

for (const [name, make] of primitives) {
  test(`${name}: asyncWith holds it for the body and releases it after`, () => {
    runVirtual(function* () {
      const { prim, held } = make();
      const result = yield* asyncWith(prim, function* (value) {
        assert.is(value, undefined);
        assert.ok(held());
        yield;
        return 42;
      });
      assert.is(result, 42);
      assert.not.ok(held());
    });
  });

  test(`${name}: asyncWith releases it when the body throws, and the error propagates`, () => {
    runVirtual(function* () {
      const { prim, held } = make();
      let caught: unknown = null;
      try {
        yield* asyncWith(prim, function* () {
          yield;
          throw new RangeError("body failed");
        });
      } catch (e) {
        caught = e;
      }
      assert.instance(caught, RangeError);
      assert.not.ok(held());
    });
  });

  test(`${name}: using hold() releases it at the end of the block`, () => {
    runVirtual(function* () {
      const { prim, held } = make();
      {
        using h = yield* prim.hold();
        assert.instance(h, Held);
        assert.ok(h.held);
        assert.ok(held());
        yield;
        assert.ok(held());
      }
      assert.not.ok(held());
    });
  });

  test(`${name}: using hold() releases it when the block throws`, () => {
    runVirtual(function* () {
      const { prim, held } = make();
      let caught: unknown = null;
      try {
        using _h = yield* prim.hold();
        yield;
        throw new RangeError("block failed");
      } catch (e) {
        caught = e;
      }
      assert.instance(caught, RangeError);
      assert.not.ok(held());
    });
  });

  test(`${name}: disposing a hold twice releases once`, () => {
    runVirtual(function* () {
      const { prim, held } = make();
      const h = yield* prim.hold();
      h[Symbol.dispose]();
      assert.not.ok(h.held);
      assert.not.ok(held());
      h[disposeSymbol](); // no second release (a Lock would throw, a Semaphore would gain a slot)
      assert.not.ok(held());
      if (prim instanceof Semaphore) assert.is(prim._value, 1);
    });
  });
}

test("disposeSymbol is Symbol.dispose where the runtime has it", () => {
  assert.is(disposeSymbol, (Symbol as any).dispose ?? Symbol.for("Symbol.dispose"));
});

test("tasks holding a lock with using take turns in FIFO order", () => {
  runVirtual(function* () {
    const lock = new Lock();
    const log: string[] = [];
    const tasks = ["a", "b", "c"].map((name) =>
      createTask(
        (function* () {
          using _held = yield* lock.hold();
          log.push(`${name} in`);
          yield;
          log.push(`${name} out`);
        })(),
      ),
    );
    for (const t of tasks) yield* t;
    assert.equal(log, ["a in", "a out", "b in", "b out", "c in", "c out"]);
    assert.not.ok(lock.locked());
  });
});

test("a task cancelled inside a using block releases the lock", () => {
  runVirtual(function* () {
    const lock = new Lock();
    const t = createTask(
      (function* () {
        using _held = yield* lock.hold();
        yield;
        yield;
      })(),
    );
    yield;
    assert.ok(lock.locked());
    t.cancel();
    try {
      yield* t;
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    assert.not.ok(lock.locked());
  });
});

test("a task cancelled while waiting in hold() never holds the lock", () => {
  runVirtual(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    let entered = false;
    const t = createTask(
      (function* () {
        using _held = yield* lock.hold();
        entered = true;
      })(),
    );
    yield;
    t.cancel();
    try {
      yield* t;
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    assert.not.ok(entered);
    assert.ok(lock.locked()); // still ours
    lock.release();
    assert.not.ok(lock.locked());
  });
});

test("a semaphore with several slots admits that many holders at once", () => {
  runVirtual(function* () {
    const sem = new Semaphore(2);
    let inside = 0;
    let most = 0;
    const tasks = [0, 1, 2, 3, 4].map(() =>
      createTask(
        (function* () {
          yield* asyncWith(sem, function* () {
            inside++;
            most = Math.max(most, inside);
            yield;
            yield;
            inside--;
          });
        })(),
      ),
    );
    for (const t of tasks) yield* t;
    assert.is(most, 2);
    assert.is(sem._value, 2);
  });
});

test("a Barrier as a context manager gives each party its index", () => {
  runVirtual(function* () {
    const barrier = new Barrier(2);
    const tasks = [0, 1].map(() =>
      createTask(
        asyncWith(barrier, function* (i) {
          return i;
        }),
      ),
    );
    const indexes = [yield* tasks[0], yield* tasks[1]];
    assert.equal(indexes.sort(), [0, 1]);
  });
});

test.run();
