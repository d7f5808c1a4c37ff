// AbortSignal both ways, events, race, and async iteration between coroutines and async code.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventEmitter } from "node:events";
import { CancelledError, QueueShutDown } from "../../src/errors.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { run, runSync } from "../../src/run.js";
import { Queue } from "../../src/sync/queue.js";
import { Event as AsyncEvent } from "../../src/sync/event.js";
import { StreamReader } from "../../src/io/streams/stream-reader.js";
import { forAwait, toAsyncIterable } from "../../src/tasks/async-iteration.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { once, on } from "../../src/tasks/events.js";
import { fromPromise } from "../../src/tasks/from-promise.js";
import { race } from "../../src/tasks/race.js";
import { sleep } from "../../src/tasks/sleep.js";
import { waitFor } from "../../src/tasks/wait-for.js";
import { Task } from "../../src/tasks/task.js";
import { TimeoutError } from "../../src/errors.js";
import { now, runVirtual, thrownBy } from "../helpers.js";

const virtual = () => ({ host: new VirtualHost() });

// ---------------------------------------------------------------- AbortSignal

test("createTask(coro, { signal }) cancels the task when the signal aborts, with the reason's message", () => {
  runVirtual(function* () {
    const ctl = new AbortController();
    const t = createTask(sleep(100), { signal: ctl.signal });
    getRunningLoop().callLater(10, () => ctl.abort(new Error("enough")));
    const e = yield* thrownBy(() => t);
    assert.instance(e, CancelledError);
    assert.is((e as Error).message, "enough");
    assert.is(now(), 10);
  });
});

test("a signal aborted with a reason that cannot become text still cancels the task", () => {
  runVirtual(function* () {
    const ctl = new AbortController();
    const t = createTask(sleep(100), { signal: ctl.signal });
    getRunningLoop().callLater(10, () =>
      ctl.abort({
        toString() {
          throw new Error("no text");
        },
      }),
    );
    const e = yield* thrownBy(() => t);
    assert.instance(e, CancelledError);
    assert.match((e as Error).message, /unprintable/);
    assert.is(now(), 10);
  });
});

test("an already aborted signal cancels the task before its first step", () => {
  runVirtual(function* () {
    let ran = false;
    const t = createTask(
      (function* () {
        ran = true;
      })(),
      { signal: AbortSignal.abort() },
    );
    assert.instance(yield* thrownBy(() => t), CancelledError);
    assert.not.ok(ran);
  });
});

test("createTask refuses a signal that is not an AbortSignal", () => {
  runVirtual(function* () {
    const coro = sleep(1);
    assert.throws(() => createTask(coro, { signal: {} as AbortSignal }), TypeError);
  });
});

test("run(main, { signal }) cancels main when the signal aborts", async () => {
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 5);
  let err: unknown;
  try {
    await run(
      function* () {
        yield* fromPromise(new Promise(() => {}));
      },
      { signal: ctl.signal },
    );
  } catch (e) {
    err = e;
  }
  assert.instance(err, CancelledError);
});

test("runSync(main, { signal }) with a signal aborted by a task cancels main", () => {
  const ctl = new AbortController();
  const e = (() => {
    try {
      runSync(
        function* () {
          getRunningLoop().callLater(7, () => ctl.abort());
          yield* sleep(100);
        },
        { host: new VirtualHost(), signal: ctl.signal },
      );
    } catch (e) {
      return e;
    }
  })();
  assert.instance(e, CancelledError);
});

test("task.getSignal() aborts when the task is cancelled, with its CancelledError", () => {
  runVirtual(function* () {
    const t = createTask(sleep(100));
    const signal = t.getSignal();
    assert.not.ok(signal.aborted);
    t.cancel("stop");
    assert.ok(signal.aborted);
    assert.instance(signal.reason, CancelledError);
    assert.is(signal.reason.message, "stop");
    yield* thrownBy(() => t);
  });
});

test("task.getSignal() aborts once the task is done, and is born aborted for a done task", () => {
  runVirtual(function* () {
    const t = createTask(sleep(5, "x"));
    const signal = t.getSignal();
    yield* t;
    yield;
    assert.ok(signal.aborted);
    assert.ok(t.getSignal().aborted);
  });
});

test("fromPromise(factory): the factory's signal aborts when a waitFor around it times out", async () => {
  let seen: AbortSignal | null = null;
  const e = await run(function* () {
    return yield* thrownBy(() =>
      waitFor(
        fromPromise((signal) => {
          seen = signal;
          return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
        }),
        20,
      ),
    );
  }, virtual());
  assert.instance(e, TimeoutError);
  assert.ok(seen!.aborted);
  assert.instance(seen!.reason, CancelledError);
});

test("fromPromise(factory): the signal stays quiet when the promise settles", async () => {
  let seen: AbortSignal | null = null;
  const v = await run(function* () {
    return yield* fromPromise((signal) => {
      seen = signal;
      return Promise.resolve(5);
    });
  }, virtual());
  assert.is(v, 5);
  assert.not.ok(seen!.aborted);
});

// ---------------------------------------------------------------- events

test("once() on an EventEmitter returns the arguments and removes its listener", () => {
  runVirtual(function* () {
    const em = new EventEmitter();
    getRunningLoop().callLater(3, () => em.emit("ready", 1, 2));
    assert.equal(yield* once(em, "ready"), [1, 2]);
    assert.is(em.listenerCount("ready"), 0);
    assert.is(em.listenerCount("error"), 0);
  });
});

test("once() throws an emitter's error event", () => {
  runVirtual(function* () {
    const em = new EventEmitter();
    getRunningLoop().callLater(3, () => em.emit("error", new RangeError("bad")));
    assert.instance(yield* thrownBy(() => once(em, "ready")), RangeError);
  });
});

test("once() on an EventTarget: cancelling the waiting task removes the listener", () => {
  runVirtual(function* () {
    const target = new EventTarget();
    let added = 0;
    let removed = 0;
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    target.addEventListener = (...a: Parameters<EventTarget["addEventListener"]>) => {
      added++;
      add(...a);
    };
    target.removeEventListener = (...a: Parameters<EventTarget["removeEventListener"]>) => {
      removed++;
      remove(...a);
    };
    const t = createTask(once(target, "ping"));
    yield;
    t.cancel();
    assert.instance(yield* thrownBy(() => t), CancelledError);
    assert.equal([added, removed], [1, 1]);
    const u = createTask(once(target, "ping"));
    yield;
    target.dispatchEvent(new Event("ping"));
    const [ev] = yield* u;
    assert.is((ev as Event).type, "ping");
  });
});

test("on() buffers events for forAwait and removes its listener when the task is cancelled", async () => {
  const em = new EventEmitter();
  const got: unknown[] = [];
  await run(function* () {
    const both = new AsyncEvent();
    const t = createTask(
      forAwait(on(em, "data"), (args) => {
        got.push((args as unknown[])[0]);
        if (got.length === 2) both.set();
      }),
    );
    yield;
    em.emit("data", 1);
    em.emit("data", 2);
    yield* both.wait();
    assert.is(em.listenerCount("data"), 1);
    t.cancel();
    yield* thrownBy(() => t);
    assert.is(em.listenerCount("data"), 0);
  }); // real time: promises settle between loop passes (a VirtualHost's clock would race ahead of them)
  assert.equal(got, [1, 2]);
});

test("on() works with for await in async code, and break removes the listener", async () => {
  const em = new EventEmitter();
  setTimeout(() => {
    em.emit("n", 1);
    em.emit("n", 2);
    em.emit("n", 3);
  }, 1);
  const got: unknown[] = [];
  for await (const [n] of on(em, "n")) {
    got.push(n);
    if (n === 2) break;
  }
  assert.equal(got, [1, 2]);
  assert.is(em.listenerCount("n"), 0);
});

// ---------------------------------------------------------------- race

test("race() returns the first result, cancels the others and waits for them", () => {
  runVirtual(function* () {
    let cleaned = false;
    function* slow(): Coroutine<string> {
      try {
        yield* sleep(100);
        return "slow";
      } finally {
        yield* sleep(3);
        cleaned = true;
      }
    }
    const r = yield* race([slow(), sleep(10, "fast")]);
    assert.is(r, "fast");
    assert.ok(cleaned);
    assert.is(now(), 13);
  });
});

test("race() throws the first error; an empty race is a RangeError", () => {
  runVirtual(function* () {
    const e = yield* thrownBy(() =>
      race([
        sleep(50),
        (function* () {
          yield* sleep(5);
          throw new RangeError("first");
        })(),
      ]),
    );
    assert.instance(e, RangeError);
    assert.throws(() => race([]), RangeError);
  });
});

test("cancelling a race cancels and awaits every child", () => {
  runVirtual(function* () {
    const a = createTask(sleep(100));
    const b = createTask(sleep(200));
    const t = createTask(race([a, b]));
    yield* sleep(10);
    t.cancel();
    assert.instance(yield* thrownBy(() => t), CancelledError);
    assert.ok(a.cancelled() && b.cancelled());
  });
});

// ---------------------------------------------------------------- async iteration

test("for await over a Queue gets items until it is shut down", async () => {
  const got: number[] = [];
  await run(function* () {
    const q = new Queue<number>();
    q.putNowait(0);
    const producer = createTask(
      (function* () {
        for (let i = 1; i < 4; i++) {
          yield* sleep(1);
          yield* q.put(i);
        }
        q.shutdown();
      })(),
    );
    yield* fromPromise(
      (async () => {
        for await (const x of q) got.push(x);
      })(),
    );
    yield* producer;
  }, virtual());
  assert.equal(got, [0, 1, 2, 3]);
});

test("for await over a StreamReader gives its lines until EOF", async () => {
  const lines: string[] = [];
  await run(function* () {
    const r = new StreamReader();
    getRunningLoop().callLater(1, () => {
      r.feedData(new TextEncoder().encode("a\nbc\nd"));
      r.feedEof();
    });
    yield* fromPromise(
      (async () => {
        for await (const l of r) lines.push(new TextDecoder().decode(l));
      })(),
    );
  }, virtual());
  assert.equal(lines, ["a\n", "bc\n", "d"]);
});

test("forAwait() iterates an async generator; cancellation runs the generator's finally", async () => {
  let closed = false;
  const got: number[] = [];
  async function* numbers() {
    try {
      for (let i = 0; ; i++) {
        yield i;
        await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      closed = true;
    }
  }
  await run(function* () {
    const t = createTask(
      forAwait(numbers(), function* (n) {
        got.push(n);
        if (n === 2) {
          yield* sleep(1_000);
        }
      }),
    );
    yield* sleep(50);
    t.cancel();
    yield* thrownBy(() => t);
    yield* fromPromise(new Promise((r) => setTimeout(r, 5)));
  }); // real time, as above
  assert.equal(got, [0, 1, 2]);
  assert.ok(closed);
});

test("forAwait() stops when the body returns false and closes the source", async () => {
  let closed = false;
  async function* numbers() {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      closed = true;
    }
  }
  const got: number[] = [];
  await run(function* () {
    yield* forAwait(numbers(), (n) => {
      got.push(n);
      return n < 3;
    });
  }, virtual());
  assert.equal(got, [0, 1, 2, 3]);
  assert.ok(closed);
});

test("toAsyncIterable() turns a producing coroutine into an AsyncIterable with backpressure", async () => {
  const log: string[] = [];
  await run(function* () {
    const it = toAsyncIterable<number>(function* (send) {
      for (let i = 0; i < 3; i++) {
        yield* sleep(1);
        log.push(`send ${i}`);
        yield* send(i);
      }
    });
    yield* fromPromise(
      (async () => {
        for await (const x of it) log.push(`got ${x}`);
      })(),
    );
  }, virtual());
  assert.equal(log, ["send 0", "got 0", "send 1", "got 1", "send 2", "got 2"]);
});

test("toAsyncIterable(): the producer's error reaches the consumer; break cancels the producer", async () => {
  let producer: Task<unknown> | null = null;
  const [err, cancelled] = await run(function* () {
    const failing = toAsyncIterable<number>(function* (send) {
      yield* send(1);
      throw new RangeError("producer");
    });
    const err = yield* fromPromise(
      (async () => {
        try {
          for await (const _ of failing);
        } catch (e) {
          return e;
        }
      })(),
    );
    const endless = toAsyncIterable<number>(function* (send) {
      producer = getRunningLoop()._currentTask;
      for (let i = 0; ; i++) yield* send(i);
    });
    yield* fromPromise(
      (async () => {
        for await (const x of endless) if (x === 2) break;
      })(),
    );
    yield* sleep(1);
    return [err, producer!.cancelled()];
  }, virtual());
  assert.instance(err, RangeError);
  assert.ok(cancelled);
});

test("a Queue shut down while iterated from async code ends the iteration with no QueueShutDown", async () => {
  const r = await run(function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    getRunningLoop().callLater(2, () => q.shutdown());
    return yield* fromPromise(
      (async () => {
        const out = [];
        for await (const x of q) out.push(x);
        return out;
      })(),
    );
  }, virtual());
  assert.equal(r, [1]);
  assert.ok(QueueShutDown);
});

test.run();
