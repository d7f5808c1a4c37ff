import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { sleep } from "../../src/tasks/sleep.js";
import { createTask } from "../../src/tasks/create-task.js";
import { gather } from "../../src/tasks/gather.js";
import { fromPromise } from "../../src/tasks/from-promise.js";
import { run, runSync } from "../../src/run.js";
import { CancelledError } from "../../src/errors.js";
import { caught } from "../helpers.js";

const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));
const laterFail = (ms: number, reason: unknown): Promise<never> =>
  new Promise((_, reject) => setTimeout(() => reject(reason), ms));

/** Counts the loop's `_soonThreadsafe` posts (how a settlement reaches the loop). */
function countPosts(loop: EventLoop): { n: number } {
  const counter = { n: 0 };
  const original = loop._soonThreadsafe.bind(loop);
  loop._soonThreadsafe = (fn, arg) => {
    counter.n++;
    original(fn, arg);
  };
  return counter;
}

test("under run() with the default host, a task waits for a host promise and gets its value", async () => {
  const r = await run(function* () {
    const posts = countPosts(getRunningLoop());
    const v = yield* fromPromise(later(5, "from the host"));
    return [v, posts.n];
  });
  assert.equal(r, ["from the host", 1]);
});

test("a rejected promise throws its reason into the coroutine", async () => {
  const reason = new Error("rejected");
  const r = await run(function* () {
    return yield* caught(() => fromPromise(laterFail(1, reason)));
  });
  assert.is(r, reason);
});

test("an already settled promise still goes through the loop", async () => {
  const r = await run(function* () {
    return yield* fromPromise(Promise.resolve(7));
  });
  assert.is(r, 7);
});

test("under run() with a VirtualHost, an idle loop waits for the promise instead of deadlocking", async () => {
  const r = await run(
    function* () {
      const v = yield* fromPromise(later(5, "woken"));
      return [v, getRunningLoop().time()];
    },
    { host: new VirtualHost() },
  );
  assert.equal(r, ["woken", 0], "simulated time did not move");
});

test("under a VirtualHost, simulated timers and host promises mix", async () => {
  const r = await run(
    function* () {
      const sleeper = createTask(sleep(1000, "slept"));
      const v = yield* fromPromise(later(5, "promised"));
      return [v, yield* sleeper, getRunningLoop().time()];
    },
    { host: new VirtualHost() },
  );
  assert.equal(r, ["promised", "slept", 1000]);
});

test("many tasks waiting on promises are gathered", async () => {
  const r = await run(function* () {
    const tasks = [];
    for (let i = 0; i < 100; i++) tasks.push(createTask(fromPromise(later(i % 5, i))));
    return yield* gather(tasks);
  });
  assert.equal(
    r,
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test("cancelling the waiting task leaves nothing behind: a later settlement posts nothing", async () => {
  let unhandled = 0;
  const onUnhandled = () => {
    unhandled++;
  };
  process.on("unhandledRejection", onUnhandled);
  try {
    let resolve!: (v: string) => void;
    let reject!: (e: unknown) => void;
    const p1 = new Promise<string>((r) => {
      resolve = r;
    });
    const p2 = new Promise<string>((_, r) => {
      reject = r;
    });
    const r = await run(function* () {
      const posts = countPosts(getRunningLoop());
      const t1 = createTask(fromPromise(p1));
      const t2 = createTask(fromPromise(p2));
      yield;
      t1.cancel();
      t2.cancel();
      const e1 = yield* caught(() => t1);
      const e2 = yield* caught(() => t2);
      resolve("too late");
      reject(new Error("too late"));
      yield* fromPromise(later(5, null)); // let the host settle p1 and p2 meanwhile
      return [e1 instanceof CancelledError, e2 instanceof CancelledError, posts.n];
    });
    assert.equal(r, [true, true, 1], "only the last fromPromise posted to the loop");
    await later(5, null);
    assert.is(unhandled, 0, "the rejection after the cancel was handled");
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("a promise settling after the loop closed posts nothing", async () => {
  let resolve!: (v: string) => void;
  const p = new Promise<string>((r) => {
    resolve = r;
  });
  let loop!: EventLoop;
  let posts!: { n: number };
  await run(function* () {
    loop = getRunningLoop();
    posts = countPosts(loop);
    createTask(fromPromise(p)); // cancelled by run() at the end
    yield;
  });
  assert.ok(loop.isClosed());
  resolve("after close");
  await later(1, null);
  assert.is(posts.n, 0);
});

test("a thenable that calls back twice counts once", async () => {
  const twice: PromiseLike<number> = {
    then(ok: any, fail: any) {
      ok(1);
      ok(2);
      fail(new Error("x"));
      return undefined as any;
    },
  };
  const r = await run(function* () {
    return yield* fromPromise(twice);
  });
  assert.is(r, 1);
});

test("under runSync a promise can never settle: the blocking driver reports a deadlock", () => {
  try {
    runSync(
      function* () {
        return yield* fromPromise(Promise.resolve(1));
      },
      { host: new VirtualHost() },
    );
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, "deadlock");
  }
});

test("fromPromise refuses what is not a thenable with TypeError, at the call", () => {
  assert.throws(
    () => fromPromise(42 as any),
    (e: unknown) => e instanceof TypeError,
  );
  assert.throws(
    () => fromPromise(null as any),
    (e: unknown) => e instanceof TypeError,
  );
  assert.throws(
    () => fromPromise({ then: 1 } as any),
    (e: unknown) => e instanceof TypeError,
  );
});

test.run();
