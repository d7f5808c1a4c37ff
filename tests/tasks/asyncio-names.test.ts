// The asyncio names wasio adds for coverage: Runner, getEventLoop/setEventLoop/newEventLoop,
// isCoroutine/isCoroutineFunction, wrapFuture, runCoroutineThreadsafe, SendfileNotAvailableError,
// with asyncio's semantics (CPython's test_runners, test_events and test_futures cases where
// they apply).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getEventLoop, newEventLoop, setEventLoop } from "../../src/io/current-event-loop.js";
import { Runner } from "../../src/runner.js";
import { run } from "../../src/run.js";
import { ContextVar } from "../../src/loop/context.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { CancelledError, InvalidStateError, SendfileNotAvailableError } from "../../src/errors.js";
import { isCoroutine } from "../../src/tasks/coroutine.js";
import { isCoroutineFunction } from "../../src/tasks/is-coroutine-function.js";
import { wrapFuture } from "../../src/tasks/wrap-future.js";
import { runCoroutineThreadsafe } from "../../src/tasks/run-coroutine-threadsafe.js";
import { createTask } from "../../src/tasks/create-task.js";
import { sleep } from "../../src/tasks/sleep.js";
import { Future } from "../../src/tasks/future.js";
import { throwsA } from "../helpers.js";

// ---------------------------------------------------------------- Runner

test("Runner runs several coroutines on one loop and closes it (test_runners: test_run, test_explicit_close)", () => {
  const runner = new Runner({ host: new VirtualHost() });
  const loop = runner.getLoop();
  assert.is(
    runner.runSync(function* () {
      assert.is(getRunningLoop(), loop);
      yield* sleep(10);
      return 1;
    }),
    1,
  );
  assert.is(runner.runSync(sleep(5, 2)), 2);
  assert.is(loop.time(), 15);
  runner.closeSync();
  assert.ok(loop.isClosed());
  throwsA(() => runner.getLoop(), Error, "Runner is closed");
  throwsA(() => runner.runSync(sleep(1)), Error, "Runner is closed");
});

test("Runner keeps one context across runs (test_runners: test_set_context_var)", () => {
  const cvar = new ContextVar<string>("cvar", { default: "-" });
  const runner = new Runner({ host: new VirtualHost() });
  runner.runSync(function* () {
    cvar.set("set by the first run");
  });
  assert.is(
    runner.runSync(function* () {
      return cvar.get();
    }),
    "set by the first run",
  );
  runner.closeSync();
});

test("Runner: close() cancels the tasks left and closes; a never-used runner closes as a no-op", () => {
  const runner = new Runner({ host: new VirtualHost() });
  let cancelled = false;
  runner.runSync(function* () {
    createTask(
      (function* () {
        try {
          yield* sleep(1000);
        } catch (e) {
          cancelled = e instanceof CancelledError;
          throw e;
        }
      })(),
    );
  });
  runner.closeSync();
  assert.ok(cancelled);
  const unused = new Runner({ host: new VirtualHost() });
  unused.closeSync(); // never used: nothing to close, and it stays usable
  assert.is(unused.runSync(sleep(1, "still usable")), "still usable");
  unused.closeSync();
});

test("Runner: a loopFactory makes the loop, debug is applied, bad arguments are refused", () => {
  const made = new EventLoop({ host: new VirtualHost() });
  const runner = new Runner({ loopFactory: () => made, debug: true });
  assert.is(runner.getLoop(), made);
  assert.ok(made.getDebug());
  runner.closeSync();
  throwsA(() => new Runner({ loopFactory: 1 as any }), TypeError, "loopFactory");
  const r2 = new Runner({ host: new VirtualHost() });
  throwsA(() => r2.runSync(42 as any), TypeError, "coroutine");
  r2.closeSync();
});

test("Runner.run() from a running loop throws; async run and `await using` on the default host", async () => {
  const runner = new Runner();
  try {
    assert.is(await runner.run(sleep(1, "async")), "async");
    await run(function* () {
      throwsA(() => runner.runSync(sleep(1)), Error, "cannot be called from a running event loop");
    });
  } finally {
    await runner.close();
  }
  throwsA(() => runner.getLoop(), Error, "closed");
});

// ---------------------------------------------------------------- current event loop

test("getEventLoop gives the running loop inside one, the loop set by setEventLoop outside, and makes one when none was ever set", () => {
  const a = newEventLoop({ host: new VirtualHost() });
  assert.instance(a, EventLoop);
  setEventLoop(a);
  assert.is(getEventLoop(), a);
  const b = new Runner({ host: new VirtualHost() });
  b.runSync(function* () {
    assert.is(getEventLoop(), getRunningLoop());
  });
  b.closeSync();
  setEventLoop(null);
  throwsA(() => getEventLoop(), Error, "no current event loop");
  throwsA(() => setEventLoop({} as any), TypeError, "EventLoop");
  a.close();
});

test("a Runner without loopFactory makes its loop the current one until it closes", () => {
  const runner = new Runner({ host: new VirtualHost() });
  const loop = runner.getLoop();
  assert.is(getEventLoop(), loop);
  runner.closeSync();
  throwsA(() => getEventLoop(), Error, "no current event loop");
});

// ---------------------------------------------------------------- iscoroutine

test("isCoroutine and isCoroutineFunction tell generators and generator functions (test_coroutines)", () => {
  function* gen() {
    yield;
  }
  assert.ok(isCoroutineFunction(gen));
  assert.ok(isCoroutineFunction(function* () {}));
  assert.not.ok(isCoroutineFunction(() => gen()));
  assert.not.ok(isCoroutineFunction(async () => {}));
  assert.not.ok(isCoroutineFunction(gen()));
  assert.ok(isCoroutine(gen()));
  assert.not.ok(isCoroutine(gen));
  assert.not.ok(isCoroutine(Promise.resolve()));
  const loop = new EventLoop({ host: new VirtualHost() });
  assert.not.ok(isCoroutine(new Future(loop)), "a Future is not a coroutine");
  loop.close();
});

// ---------------------------------------------------------------- wrapFuture

test("wrapFuture gives a loop Future for a promise, the Future itself for a Future (test_futures: test_wrap_future)", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const f = wrapFuture(Promise.resolve(42));
    assert.instance(f, Future);
    assert.is(f.getLoop(), loop);
    assert.is(yield* f, 42);
    const bad = wrapFuture(Promise.reject(new RangeError("no")));
    try {
      yield* bad;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, RangeError);
    }
    const own = loop.createFuture<number>();
    assert.is(wrapFuture(own), own);
    throwsA(() => wrapFuture(42 as any), TypeError, "thenable");
  });
});

// ---------------------------------------------------------------- runCoroutineThreadsafe

test("runCoroutineThreadsafe runs a coroutine on a loop from outside it and gives its result (test_tasks: RunCoroutineThreadsafeTests)", async () => {
  const runner = new Runner();
  const loop = runner.getLoop();
  const stop = loop.createFuture<void>();
  const serving = runner.run(function* () {
    yield* stop; // the loop runs, waiting
  });
  const cf = runCoroutineThreadsafe(sleep(5, "from outside"), loop);
  assert.not.ok(cf.done());
  throwsA(() => cf.result(), InvalidStateError);
  assert.is(await cf, "from outside");
  assert.ok(cf.done());
  assert.is(cf.result(), "from outside");
  assert.is(cf.exception(), null);
  const failing = runCoroutineThreadsafe(
    (function* () {
      yield* sleep(1);
      throw new RangeError("inside");
    })(),
    loop,
  );
  await failing.then(
    () => assert.unreachable(),
    (e) => assert.instance(e, RangeError),
  );
  assert.instance(failing.exception(), RangeError);
  loop.callSoonThreadsafe(() => stop.setResult(undefined));
  await serving;
  await runner.close();
});

test("cancelling the ConcurrentFuture cancels the task on the loop (test_run_coroutine_threadsafe_task_cancelled)", async () => {
  const runner = new Runner();
  const loop = runner.getLoop();
  const stop = loop.createFuture<void>();
  const serving = runner.run(function* () {
    yield* stop;
  });
  let cancelledInside = false;
  const cf = runCoroutineThreadsafe(
    (function* () {
      try {
        yield* sleep(10_000);
      } catch (e) {
        cancelledInside = e instanceof CancelledError;
        loop.callSoon(() => stop.setResult(undefined));
        throw e;
      }
    })(),
    loop,
  );
  await new Promise((r) => setTimeout(r, 5));
  assert.ok(cf.cancel());
  assert.ok(cf.cancelled());
  assert.not.ok(cf.cancel());
  throwsA(() => cf.result(), CancelledError);
  await serving;
  assert.ok(cancelledInside);
  await runner.close();
  throwsA(() => runCoroutineThreadsafe((() => 1) as any, loop), TypeError, "coroutine");
});

test("SendfileNotAvailableError is an Error with its own name", () => {
  const e = new SendfileNotAvailableError("no sendfile here");
  assert.instance(e, Error);
  assert.is(e.name, "SendfileNotAvailableError");
});

test.run();
