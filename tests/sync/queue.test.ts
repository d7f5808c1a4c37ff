// Queue: order, bounds, waking, and the cancellation races asyncio 3.13's test_queues pins down
// (a cancelled get never loses an item, a cancelled put never inserts).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError, QueueEmpty, QueueFull, TimeoutError } from "../../src/errors.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { Queue } from "../../src/sync/queue.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { gather } from "../../src/tasks/gather.js";
import { sleep } from "../../src/tasks/sleep.js";
import { timeout } from "../../src/tasks/timeout.js";
import { waitFor } from "../../src/tasks/wait-for.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import { runVirtual, isA, rejects } from "../helpers.js";
import { runSync } from "../../src/run.js";
import { call } from "../../src/tasks/call.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";

test("empty, full, qsize and maxsize", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    assert.ok(q.empty());
    assert.not.ok(q.full());
    assert.is(q.maxsize, 0);
    yield* q.put(1);
    assert.not.ok(q.empty());
    assert.is(q.qsize(), 1);
    assert.is(yield* q.get(), 1);
    assert.ok(q.empty());
    const bounded = new Queue<number>(1);
    assert.is(bounded.maxsize, 1);
    yield* bounded.put(1);
    assert.ok(bounded.full());
  });
});

test("items come out in the order they were put", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    for (const i of [1, 3, 2]) yield* q.put(i);
    const items = [yield* q.get(), yield* q.get(), yield* q.get()];
    assert.equal(items, [1, 3, 2]);
  });
});

test("a full queue makes put wait until a get frees a slot", () => {
  runVirtual(function* () {
    const q = new Queue<number>(2);
    const havePut: number[] = [];
    const t = createTask(
      (function* () {
        for (let i = 0; i < 3; i++) {
          yield* q.put(i);
          havePut.push(i);
        }
        return true;
      })(),
    );
    yield;
    yield;
    assert.equal(havePut, [0, 1]);
    assert.is(yield* q.get(), 0);
    yield;
    assert.equal(havePut, [0, 1, 2]);
    assert.is(yield* q.get(), 1);
    assert.is(yield* q.get(), 2);
    assert.is(t.result(), true);
  });
});

test("getNowait and putNowait throw QueueEmpty and QueueFull instead of waiting", () => {
  const q = new Queue<number>(1);
  assert.throws(() => q.getNowait(), isA(QueueEmpty));
  q.putNowait(1);
  assert.throws(() => q.putNowait(2), isA(QueueFull));
  assert.is(q.getNowait(), 1);
});

test("a get waits for a later put on the virtual clock", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    const loop = getRunningLoop();
    loop.callLater(10, () => q.putNowait(1));
    assert.is(yield* q.get(), 1);
    assert.is(loop.time(), 10);
  });
});

test("waiting getters are served in the order they started waiting", () => {
  runVirtual(function* () {
    const q = new Queue<string>();
    const got: string[] = [];
    const tasks = ["a", "b", "c"].map((name) =>
      createTask(
        (function* () {
          got.push(`${name}:${yield* q.get()}`);
        })(),
      ),
    );
    yield;
    q.putNowait("1");
    q.putNowait("2");
    q.putNowait("3");
    for (const t of tasks) yield* t;
    assert.equal(got, ["a:1", "b:2", "c:3"]);
  });
});

test("waiting putters are served in the order they started waiting", () => {
  runVirtual(function* () {
    const q = new Queue<string>(1);
    q.putNowait("first");
    const tasks = ["a", "b", "c"].map((name) => createTask(q.put(name)));
    yield;
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(yield* q.get());
    for (const t of tasks) yield* t;
    assert.equal(got, ["first", "a", "b", "c"]);
  });
});

test("a getter cancelled before any put leaves, and the next getter receives the item", () => {
  runVirtual(function* () {
    const q = new Queue<string>();
    const t1 = createTask(q.get());
    const t2 = createTask(q.get());
    yield;
    t1.cancel();
    yield;
    assert.ok(t1.done());
    yield* q.put("a");
    yield;
    assert.is(yield* t2, "a");
    assert.is(q._getters.length, 0);
  });
});

test("with putters waiting, gets return the items in the order they were put", () => {
  runVirtual(function* () {
    const q = new Queue<string>(1);
    createTask(q.put("a"));
    createTask(q.put("b"));
    assert.is(yield* q.get(), "a");
    assert.is(yield* q.get(), "b");
  });
});

test("a producer and a consumer pass items through a queue of size 1", () => {
  runVirtual(function* () {
    const q = new Queue<number>(1);
    const got: number[] = [];
    const consumer = createTask(
      (function* () {
        for (let i = 0; i < 5; i++) got.push(yield* q.get());
      })(),
    );
    const producer = createTask(
      (function* () {
        for (let i = 0; i < 5; i++) yield* q.put(i);
      })(),
    );
    yield* producer;
    yield* consumer;
    assert.equal(got, [0, 1, 2, 3, 4]);
  });
});

test("a cancelled get does not lose an item: the woken getter's item stays queued", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    let reader = createTask(q.get());
    yield;
    q.putNowait(1); // wakes the reader …
    q.putNowait(2);
    reader.cancel(); // … which is cancelled before it runs
    try {
      yield* reader;
    } catch (e) {
      assert.instance(e, CancelledError);
      reader = createTask(q.get());
      yield* reader;
    }
    assert.is(reader.result(), 1); // 2 would mean 1 was dropped
    assert.is(q.qsize(), 1);
  });
});

test("a cancelled getter that was woken passes the wake-up to the next getter", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    const r1 = createTask(q.get());
    const r2 = createTask(q.get());
    const r3 = createTask(q.get());
    yield;
    q.putNowait(1); // wakes r1
    q.putNowait(2); // wakes r2
    r1.cancel();
    yield* rejects(r1, CancelledError);
    yield* r3; // woken by r1's cancellation
    yield* r2;
    assert.equal(new Set([r2.result(), r3.result()]), new Set([1, 2]));
    assert.ok(q.empty());
  });
});

test("a cancelled put does not insert its item, even when it had been woken", () => {
  runVirtual(function* () {
    const q = new Queue<number>(1);
    q.putNowait(1);
    let writer = createTask(q.put(2));
    yield;
    assert.is(q.getNowait(), 1); // wakes the writer …
    writer.cancel(); // … which is cancelled before it runs
    try {
      yield* writer;
    } catch (e) {
      assert.instance(e, CancelledError);
      assert.is(q.qsize(), 0); // not inserted
      writer = createTask(q.put(2));
      yield* writer;
    }
    assert.is(q.getNowait(), 2);
    assert.is(q.qsize(), 0);
  });
});

test("a put cancelled while waiting lets the next putter in", () => {
  runVirtual(function* () {
    const q = new Queue<string>(1);
    const putA = createTask(q.put("a"));
    const putB = createTask(q.put("b"));
    const putC = createTask(q.put("X"));
    yield;
    assert.ok(putA.done());
    assert.not.ok(putB.done());
    putC.cancel();
    yield;
    assert.ok(putC.done());
    assert.is(q.getNowait(), "a");
    yield;
    assert.is(q.getNowait(), "b");
    yield* putB;
    assert.ok(q.empty());
  });
});

test("a put or get task cancelled before it starts does nothing", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    const put = createTask(q.put(1));
    put.cancel();
    yield* rejects(put, CancelledError);
    assert.is(q.qsize(), 0);
    q.putNowait(7);
    const get = createTask(q.get());
    get.cancel();
    yield* rejects(get, CancelledError);
    assert.is(q.qsize(), 1);
  });
});

test("a put to a queue with a waiting getter reaches it", () => {
  runVirtual(function* () {
    const q = new Queue<string>();
    const t = createTask(q.get());
    yield;
    yield* q.put("a");
    assert.is(yield* t, "a");
  });
});

test("putters blocked on a bounded queue all get in as a getter drains it", () => {
  runVirtual(function* () {
    const q = new Queue<number>(2);
    const getter = createTask(
      (function* () {
        yield;
        for (let n = q.qsize(); n > 0; n--) q.getNowait();
      })(),
    );
    const putters = [0, 1, 2, 3].map((i) => createTask(q.put(i)));
    yield* getter;
    for (const t of putters) yield* t;
    assert.is(q.qsize(), 2);
  });
});

test("cancelled putters and getters are removed from the waiter lists", () => {
  runVirtual(function* () {
    const full = new Queue<number>(1);
    full.putNowait(1);
    const putTask = createTask(full.put(1));
    yield;
    assert.is(full._putters.length, 1);
    putTask.cancel();
    yield* rejects(putTask, CancelledError);
    assert.is(full._putters.length, 0);

    const empty = new Queue<number>(5);
    const getTask = createTask(empty.get());
    yield;
    assert.is(empty._getters.length, 1);
    getTask.cancel();
    yield* rejects(getTask, CancelledError);
    assert.is(empty._getters.length, 0);
  });
});

test("a putter woken by getNowait and then cancelled ends with CancelledError", () => {
  runVirtual(function* () {
    const q = new Queue<number>(1);
    q.putNowait(1);
    const putTask = createTask(q.put(1));
    yield;
    q.getNowait(); // takes the putter off the waiter list and wakes it
    putTask.cancel();
    yield* rejects(putTask, CancelledError);
    assert.ok(q.empty());
  });
});

test("a getter that loses its item to getNowait waits again and gets the next one (no lost wake-up)", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    const t = createTask(q.get());
    yield;
    q.putNowait(1); // wakes t …
    assert.is(q.getNowait(), 1); // … but the item is taken before t runs
    yield;
    assert.not.ok(t.done());
    assert.is(q._getters.length, 1); // t waits again
    q.putNowait(2);
    assert.is(yield* t, 2);
  });
});

test("taskDone called more often than items were put throws", () => {
  const q = new Queue<number>();
  assert.throws(() => q.taskDone(), /too many times/);
  q.putNowait(1);
  q.getNowait();
  q.taskDone();
  assert.throws(() => q.taskDone(), /too many times/);
});

test("join waits until every item is marked done", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    for (let i = 0; i < 100; i++) q.putNowait(i);
    let total = 0;
    let running = true;
    function* worker(): Coroutine<void> {
      while (running) {
        const item = yield* q.get();
        total += item;
        yield* sleep(1);
        q.taskDone();
      }
    }
    const workers = [createTask(worker()), createTask(worker())];
    yield* q.join();
    assert.is(total, 4950);
    assert.is(getRunningLoop().time(), 50);
    running = false;
    for (let i = 0; i < workers.length; i++) q.putNowait(0);
    for (const w of workers) yield* w;
  });
});

test("join on a queue with nothing unfinished returns at once", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    yield* q.join();
    yield* q.join();
  });
});

test("a ring buffer that grows and wraps keeps FIFO order", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    let next = 0;
    let expect = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < (round % 7) + 5; i++) q.putNowait(next++);
      for (let i = 0; i < (round % 5) + 3 && !q.empty(); i++) assert.is(yield* q.get(), expect++);
    }
    while (!q.empty()) assert.is(q.getNowait(), expect++);
    assert.is(expect, next);
  });
});

test("ping-pong through two queues delivers every message once, in order", () => {
  runVirtual(function* () {
    const q1 = new Queue<number>();
    const q2 = new Queue<number>();
    const seen: number[] = [];
    const a = createTask(
      (function* () {
        for (let i = 0; i < 1000; i++) {
          yield* q1.put(i);
          seen.push(yield* q2.get());
        }
      })(),
    );
    const b = createTask(
      (function* () {
        for (let i = 0; i < 1000; i++) yield* q2.put(yield* q1.get());
      })(),
    );
    yield* a;
    yield* b;
    assert.equal(
      seen,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.is(q1._getters.length + q2._getters.length, 0);
  });
});

test("a finished get or put comes back as a later call's op; one still in use never does", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    const put = q.put(1);
    yield* put;
    const get = q.get();
    assert.is(yield* get, 1);
    assert.ok(q.put(2) === put, "a finished put is handed out again");
    const second = q.get();
    assert.ok(second === get, "a finished get is handed out again");
    assert.ok(q.get() !== second, "a get not started yet is not handed out again");
    const waiting = q.get();
    const t = createTask(
      (function* () {
        return yield* waiting;
      })(),
    );
    yield;
    assert.is(q._getters.length, 1);
    assert.ok(q.get() !== waiting, "a waiting get is not handed out again");
    q.putNowait(4);
    assert.is(yield* t, 4);
  });
});

test("a get or put run by a task or call() stays that task's: later calls get new ops", () => {
  runSync(
    function* () {
      const q = new Queue<number>();
      const get = q.get();
      const t = createTask(get);
      q.putNowait(5);
      assert.is(yield* t, 5);
      assert.ok(t.getCoro() === get);
      const again = q.get();
      assert.ok(again !== get, "the task's get is not handed out again");
      // in debug mode a task remembers the coroutines it finished: a reused one would be refused
      q.putNowait(6);
      assert.is(yield* createTask(again), 6);
      const put = q.put(7);
      yield* call(put);
      assert.ok(q.put(8) !== put, "call()'s put is not handed out again");
      assert.equal([q.getNowait(), q.qsize()], [7, 0]);
    },
    { host: new VirtualHost(), debug: true },
  );
});

test("get and put work under waitFor, timeout and gather; a timed-out get leaves no getter behind", () => {
  runVirtual(function* () {
    const q = new Queue<number>(1);
    const loop = getRunningLoop();
    yield* rejects(waitFor(q.get(), 10), TimeoutError);
    assert.is(loop.time(), 10);
    assert.is(q._getters.length, 0);
    q.putNowait(1);
    yield* rejects(waitFor(q.put(2), 10), TimeoutError);
    assert.is(q._putters.length, 0);
    assert.is(q.qsize(), 1); // the timed-out put inserted nothing
    let got: number | null = null;
    yield* asyncWith(timeout(5), function* () {
      got = yield* q.get();
    });
    assert.is(got, 1);
    loop.callLater(3, () => q.putNowait(7));
    loop.callLater(4, () => q.putNowait(8));
    const both = yield* gather([q.get(), q.get()]);
    assert.equal(both, [7, 8]);
  });
});

test("toString describes size, waiters, unfinished items and shutdown", () => {
  runVirtual(function* () {
    const q = new Queue<number>(3);
    assert.is(String(q), "<Queue maxsize=3 qsize=0>");
    const t = createTask(q.get());
    yield;
    assert.is(String(q), "<Queue maxsize=3 qsize=0 getters[1]>");
    q.putNowait(1);
    yield* t;
    q.shutdown();
    assert.is(String(q), "<Queue maxsize=3 qsize=0 tasks=1 shutdown>");
  });
});

test.run();
