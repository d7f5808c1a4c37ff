import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { NodeHost } from "../../src/hosts/node/node-host.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { currentTask } from "../../src/tasks/current.js";
import { run, runSync } from "../../src/run.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { throwsA } from "../helpers.js";

test("runSync runs main to completion on simulated time and returns its result", () => {
  const r = runSync(
    function* () {
      yield* sleep(3_600_000);
      return getRunningLoop().time();
    },
    { host: new VirtualHost() },
  );
  assert.is(r, 3_600_000);
});

test("run takes a generator function or a coroutine object and resolves with the result", async () => {
  assert.is(
    await run(function* () {
      yield* sleep(1);
      return "fn";
    }),
    "fn",
  );
  assert.is(await run(sleep(1, "coro")), "coro");
  assert.is(await run(sleep(1000, "virtual"), { host: new VirtualHost() }), "virtual");
});

test("run rejects with main's error and runSync throws it", async () => {
  const boom = new Error("boom");
  try {
    await run(function* () {
      yield;
      throw boom;
    });
    assert.unreachable();
  } catch (e) {
    assert.is(e, boom);
  }
  throwsA(
    () =>
      runSync(
        function* () {
          yield;
          throw new RangeError("sync boom");
        },
        { host: new VirtualHost() },
      ),
    RangeError,
    "sync boom",
  );
});

test("at the end, run cancels the tasks left, lets their cleanup run, and closes the loop", () => {
  const log: string[] = [];
  let loop!: EventLoop;
  runSync(
    function* () {
      loop = getRunningLoop();
      createTask(
        (function* () {
          try {
            yield* sleep(1000);
          } finally {
            log.push(`cleanup at ${getRunningLoop().time()}`);
          }
        })(),
      );
      yield* sleep(5);
    },
    { host: new VirtualHost() },
  );
  assert.equal(log, ["cleanup at 5"]);
  assert.ok(loop.isClosed());
});

test("a task left over that fails while being cancelled is reported", () => {
  const seen: ExceptionContext[] = [];
  runSync(
    function* () {
      getRunningLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
      createTask(
        (function* () {
          try {
            yield* sleep(1000);
          } finally {
            throw new Error("bad cleanup");
          }
        })(),
      );
      yield;
    },
    { host: new VirtualHost() },
  );
  assert.is(seen.length, 1);
  assert.is((seen[0].exception as Error).message, "bad cleanup");
});

test("a failed task whose exception nobody retrieved is reported when runSync closes the loop", () => {
  const seen: ExceptionContext[] = [];
  runSync(
    function* () {
      getRunningLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
      createTask(
        (function* () {
          yield;
          throw new Error("unseen");
        })(),
      );
      yield* sleep(1);
    },
    { host: new VirtualHost() },
  );
  assert.is(seen.length, 1);
  assert.match(seen[0].message, "never retrieved");
});

test("runSync needs a host that can block", () => {
  throwsA(() => runSync(sleep(1), undefined as any), TypeError);
  throwsA(() => runSync(sleep(1), { host: new NodeHost() }), Error, "block");
});

test("run and runSync refuse to start inside a running loop, and refuse non-coroutines", () => {
  runSync(
    function* () {
      throwsA(() => runSync(sleep(1), { host: new VirtualHost() }), Error, "running event loop");
      yield;
    },
    { host: new VirtualHost() },
  );
  throwsA(() => runSync(42 as any, { host: new VirtualHost() }), TypeError);
});

test("currentTask is main's task inside run and throws outside a loop", () => {
  const same = runSync(
    function* () {
      const t = currentTask();
      yield;
      return t !== null && t === currentTask();
    },
    { host: new VirtualHost() },
  );
  assert.ok(same);
  throwsA(() => currentTask(), Error, "no running event loop");
  throwsA(() => getRunningLoop(), Error, "no running event loop");
});

test("sleep checks its delay at the call and sleep(0) is exactly one pass", () => {
  throwsA(() => sleep(NaN), RangeError);
  throwsA(() => sleep(Infinity), RangeError);
  throwsA(() => sleep("1" as any), TypeError);
  const order = runSync(
    function* () {
      const log: string[] = [];
      getRunningLoop().callSoon(() => log.push("callback"));
      log.push(String(yield* sleep(0, "zero")));
      log.push(String(yield* sleep(-3, "negative")));
      return [log, getRunningLoop().time()];
    },
    { host: new VirtualHost() },
  );
  assert.equal(order, [["callback", "zero", "negative"], 0]);
});

test.run();
