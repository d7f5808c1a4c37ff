// Queue.shutdown (asyncio 3.13): QueueShutDown for puts, for gets once empty, waking blocked
// callers, and immediate shutdown's draining — for Queue, LifoQueue and PriorityQueue alike.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { QueueShutDown } from "../../src/errors.js";
import { LifoQueue } from "../../src/sync/lifo-queue.js";
import { PriorityQueue } from "../../src/sync/priority-queue.js";
import { Queue } from "../../src/sync/queue.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { runVirtual, isA, rejects } from "../helpers.js";

/** put, putNowait, get and getNowait all throw QueueShutDown. */
function* assertShutDown(q: Queue<string>): Coroutine<void> {
  yield* rejects(q.put("data"), QueueShutDown);
  assert.throws(() => q.putNowait("data"), isA(QueueShutDown));
  yield* rejects(q.get(), QueueShutDown);
  assert.throws(() => q.getNowait(), isA(QueueShutDown));
}

const kinds: [string, (maxsize?: number) => Queue<string>][] = [
  ["Queue", (maxsize = 0) => new Queue<string>(maxsize)],
  ["LifoQueue", (maxsize = 0) => new LifoQueue<string>(maxsize)],
  ["PriorityQueue", (maxsize = 0) => new PriorityQueue<string>(maxsize)],
];

for (const [name, make] of kinds) {
  test(`${name}: shutting down an empty queue wakes a waiting get with QueueShutDown`, () => {
    runVirtual(function* () {
      const q = make();
      const getTask = createTask(q.get());
      yield; // the get is waiting
      q.shutdown();
      assert.ok(q.isShutdown());
      assert.is(q.qsize(), 0);
      yield* q.join();
      yield;
      assert.ok(getTask.done());
      yield* rejects(getTask, QueueShutDown);
      yield* assertShutDown(q);
    });
  });

  test(`${name}: after shutdown the queued items can still be taken; a blocked put is refused`, () => {
    runVirtual(function* () {
      const q = make(1);
      q.putNowait("data");
      const joinTask = createTask(q.join());
      const putTask = createTask(q.put("data2"));
      yield;
      assert.not.ok(putTask.done());
      q.shutdown(false);
      assert.is(q.qsize(), 1);
      yield;
      assert.ok(putTask.done());
      yield* rejects(putTask, QueueShutDown);
      assert.is(yield* q.get(), "data");
      yield;
      assert.not.ok(joinTask.done());
      yield* assertShutDown(q);
      q.taskDone();
      yield;
      assert.ok(joinTask.done());
      yield* joinTask;
      assert.throws(() => q.taskDone(), /too many times/);
    });
  });

  test(`${name}: an immediate shutdown drops the queued items and counts them as done`, () => {
    runVirtual(function* () {
      const q = make();
      q.putNowait("data");
      const joinTask = createTask(q.join());
      q.shutdown(true); // unfinished: 1 -> 0
      assert.is(q.qsize(), 0);
      yield;
      assert.ok(joinTask.done());
      yield* joinTask;
      yield* assertShutDown(q);
      assert.throws(() => q.taskDone(), /too many times/);
    });
  });

  test(`${name}: an immediate shutdown with unfinished items makes join wait for them`, () => {
    runVirtual(function* () {
      const q = make();
      q.putNowait("data");
      q.putNowait("data");
      const joinTask = createTask(q.join());
      assert.is(yield* q.get(), "data");
      q.shutdown(true); // unfinished: 2 -> 1 (the one taken out is not done yet)
      assert.is(q.qsize(), 0);
      yield;
      assert.not.ok(joinTask.done());
      yield* assertShutDown(q);
      q.taskDone();
      assert.throws(() => q.taskDone(), /too many times/);
      yield;
      assert.ok(joinTask.done());
      yield* joinTask;
    });
  });

  test(`${name}: an immediate shutdown wakes every blocked getter and putter with QueueShutDown`, () => {
    runVirtual(function* () {
      const empty = make();
      const getters = [0, 1, 2].map(() => createTask(empty.get()));
      const full = make(1);
      full.putNowait("x");
      const putters = [0, 1].map(() => createTask(full.put("y")));
      yield;
      empty.shutdown(true);
      full.shutdown(true);
      assert.is(full.qsize(), 0);
      for (const t of [...getters, ...putters]) yield* rejects(t, QueueShutDown);
      assert.is(empty._getters.length + full._putters.length, 0);
    });
  });
}

test("shutdown(immediate) must be a boolean", () => {
  const q = new Queue();
  assert.throws(() => q.shutdown("yes" as any), isA(TypeError));
  assert.not.ok(q.isShutdown());
});

test("a second shutdown is harmless and an immediate one after a plain one still drains", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    q.shutdown();
    q.shutdown();
    assert.is(q.qsize(), 2);
    q.shutdown(true);
    assert.is(q.qsize(), 0);
    yield* q.join();
  });
});

test.run();
