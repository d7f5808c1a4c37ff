// Faults of the loop and tasks: far deadlines on a blocking host, cancel messages that do not
// convert to text, futures iterated outside an await, thrown values the default handler cannot
// print. Each test is a repro that hung or crashed before.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError, ExceptionGroup } from "../../src/errors.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { EventLoop } from "../../src/io/event-loop.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { formatContext } from "../../src/loop/exception-context.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { run, runSync } from "../../src/run.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { Future } from "../../src/tasks/future.js";
import { sleep } from "../../src/tasks/sleep.js";
import { bounded, now, runVirtual } from "../helpers.js";

// ------------------------------------------------------------------ a wait the provider ends early

test("runSync sleeps past the core's longest single wait (5e12 ms) instead of reporting a deadlock", () => {
  const at = runVirtual(function* () {
    yield* sleep(5e12);
    return now();
  });
  assert.ok(at >= 5e12, `woke at ${at}`);
});

test("run() on a VirtualHost settles after a 5e12 ms sleep", async () => {
  const at = await bounded(
    run(
      function* () {
        yield* sleep(5e12);
        return now();
      },
      { host: new VirtualHost() },
    ),
    10_000,
  );
  assert.ok(at >= 5e12);
});

test("a short sleep after a very far one still ends (the simulated clock moves past its resolution)", () => {
  const at = runVirtual(function* () {
    yield* sleep(1e13); // 1e19 ns: the nanosecond clock's steps are 2048 ns here
    yield* sleep(0.002); // a deadline 1953 ns ahead
    return now();
  });
  assert.ok(at > 1e13);
});

test("a blocking host whose poll returns early with no event is polled again, not declared deadlocked", () => {
  class EarlyHost extends VirtualHost {
    early = 3; // the first three waits end after 1 ms, whatever was asked
    protected override onNothingReady(clockMs: number): boolean {
      if (clockMs > 1 && this.early > 0) {
        this.early--;
        return super.onNothingReady(1);
      }
      return super.onNothingReady(clockMs);
    }
  }
  const host = new EarlyHost();
  const at = runSync(
    function* () {
      yield* sleep(50);
      return now();
    },
    { host },
  );
  assert.is(host.early, 0);
  assert.ok(at >= 50);
});

test("runSync still reports a real deadlock (nothing to wait for)", () => {
  assert.throws(
    () =>
      runVirtual(function* () {
        yield* new Future<void>(getRunningLoop());
      }),
    /deadlock/,
  );
});

// ------------------------------------------------------------------ cancel messages

test("task.cancel(Symbol) cancels the task with the symbol's String() text as message", () => {
  const msg = runVirtual(function* () {
    const t = createTask(sleep(10));
    yield;
    assert.ok(t.cancel(Symbol("why") as unknown as string));
    try {
      yield* t;
    } catch (e) {
      assert.instance(e, CancelledError);
      return (e as Error).message;
    }
    return "not cancelled";
  });
  assert.is(msg, "Symbol(why)");
});

test("a cancel message whose string conversion throws still cancels the task", () => {
  const hostile = {
    toString() {
      throw new Error("no text");
    },
  };
  const [cancelled, msg] = runVirtual(function* () {
    const t = createTask(sleep(10));
    yield;
    t.cancel(hostile as unknown as string);
    let m = "";
    try {
      yield* t;
    } catch (e) {
      m = (e as Error).message;
    }
    return [t.cancelled(), m] as const;
  });
  assert.ok(cancelled);
  assert.match(msg, /unprintable/);
});

test("a task not yet started, cancelled with a Symbol, ends cancelled (run() returns)", async () => {
  const r = await bounded(
    run(
      function* () {
        const t = createTask(sleep(1));
        t.cancel(Symbol("early") as unknown as string);
        try {
          yield* t;
        } catch (e) {
          return (e as Error).name;
        }
        return "no";
      },
      { host: new VirtualHost() },
    ),
    10_000,
  );
  assert.is(r, "CancelledError");
});

test("an exception raised while waking a task fails that task instead of stranding it", () => {
  // A yielded value whose description throws: the bad-yield TypeError cannot even be made.
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error("hostile get");
      },
      getPrototypeOf() {
        throw new Error("hostile proto");
      },
    },
  );
  const e = runVirtual(function* () {
    const t = createTask(
      (function* (): Coroutine<void> {
        yield hostile as unknown as undefined;
      })(),
    );
    try {
      yield* t;
    } catch (err) {
      return err;
    }
    return null;
  });
  assert.instance(e, Error);
});

// ------------------------------------------------------------------ iterating a pending future

test("spreading a pending task throws at the second step instead of growing forever", () => {
  runVirtual(function* () {
    const t = createTask(sleep(1));
    assert.throws(() => [...t], /await wasn't used with future/);
    yield* t; // a real await in the same step still works
  });
});

test("new ExceptionGroup(msg, pendingTask) throws a plain Error instead of exhausting memory", () => {
  runVirtual(function* () {
    const t = createTask(sleep(1));
    let caught: unknown = null;
    try {
      new ExceptionGroup("m", t as unknown as Iterable<unknown>);
    } catch (e) {
      caught = e;
    }
    assert.instance(caught, Error);
    assert.is((caught as Error).constructor, Error);
    yield* t;
  });
});

test("Promise.all(task) rejects with asyncio's \"await wasn't used with future\"", async () => {
  const msg = await bounded(
    run(
      function* () {
        const t = createTask(sleep(1));
        const p = Promise.all(t as unknown as Iterable<unknown>).then(
          () => "resolved",
          (e: Error) => e.message,
        );
        yield* t;
        return p;
      },
      { host: new VirtualHost() },
    ),
    10_000,
  );
  assert.is(await msg, "await wasn't used with future");
});

test("two tasks awaiting one pending future both wait for it", () => {
  const r = runVirtual(function* () {
    const f = new Future<number>(getRunningLoop());
    const a = createTask(
      (function* () {
        return yield* f;
      })(),
    );
    const b = createTask(
      (function* () {
        return yield* f;
      })(),
    );
    yield;
    yield;
    f.setResult(7);
    return [yield* a, yield* b];
  });
  assert.equal(r, [7, 7]);
});

// ------------------------------------------------------------------ unprintable thrown values

const unprintables: [string, () => unknown][] = [
  ["an object without a prototype", () => Object.create(null)],
  [
    "a Proxy whose every access throws",
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error("get");
          },
          getPrototypeOf() {
            throw new Error("proto");
          },
          ownKeys() {
            throw new Error("keys");
          },
        },
      ),
  ],
  [
    "an Error whose stack getter throws",
    () => {
      const e = new Error("stackless");
      Object.defineProperty(e, "stack", {
        get() {
          throw new Error("stack");
        },
      });
      return e;
    },
  ],
];

for (const [what, make] of unprintables) {
  test(`the default exception handler prints a callback that throws ${what}; the loop goes on`, async () => {
    const printed: string[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => {
      printed.push(a.map(String).join(" "));
    };
    try {
      const r = await bounded(
        run(
          function* () {
            getRunningLoop().callSoon(() => {
              throw make();
            });
            let ran = false;
            getRunningLoop().callSoon(() => {
              ran = true;
            });
            yield;
            yield;
            return ran;
          },
          { host: new VirtualHost() },
        ),
        10_000,
      );
      assert.ok(r, "the callback queued after the throwing one ran");
    } finally {
      console.error = orig;
    }
    assert.is(printed.length, 1);
    assert.match(printed[0], /Exception in callback/);
  });
}

test("formatContext never throws, whatever the context holds", () => {
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error("get");
      },
      ownKeys() {
        throw new Error("keys");
      },
    },
  );
  assert.type(formatContext(hostile as unknown as ExceptionContext), "string");
  assert.type(formatContext({ message: "m", exception: Object.create(null), other: Object.create(null) }), "string");
});

test("an exception handler that throws, and a console that throws, leave the pass consistent", () => {
  const loop = new EventLoop({ host: new VirtualHost() });
  const order: number[] = [];
  loop.setExceptionHandler(() => {
    throw Object.create(null);
  });
  const orig = console.error;
  console.error = () => {
    throw new Error("console broken");
  };
  try {
    loop.callSoon(() => {
      throw new Error("first");
    });
    loop.callSoon(() => order.push(2));
    loop.callSoon(() => loop.stop());
    loop.runForeverSync();
    loop.callSoon(() => order.push(3));
    loop.callSoon(() => loop.stop());
    loop.runForeverSync();
  } finally {
    console.error = orig;
    loop.close();
  }
  assert.equal(order, [2, 3]);
});

test("callExceptionHandler refuses a context that is not an object with a TypeError", () => {
  const loop = new EventLoop({ host: new VirtualHost() });
  assert.throws(
    () => loop.callExceptionHandler("str" as unknown as ExceptionContext),
    (e: unknown) => e instanceof TypeError,
  );
  assert.throws(
    () => loop.defaultExceptionHandler(null as unknown as ExceptionContext),
    (e: unknown) => e instanceof TypeError,
  );
  loop.close();
});

test.run();
