// PriorityQueue and LifoQueue: their order, the comparator option, and Queue's join behaviour.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { LifoQueue } from "../../src/sync/lifo-queue.js";
import { PriorityQueue } from "../../src/sync/priority-queue.js";
import { Queue } from "../../src/sync/queue.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { runVirtual, isA } from "../helpers.js";

test("a LifoQueue hands out the newest item first", () => {
  runVirtual(function* () {
    const q = new LifoQueue<number>();
    assert.instance(q, Queue);
    for (const i of [1, 3, 2]) yield* q.put(i);
    assert.equal([yield* q.get(), yield* q.get(), yield* q.get()], [2, 3, 1]);
  });
});

test("a PriorityQueue hands out the smallest number first", () => {
  runVirtual(function* () {
    const q = new PriorityQueue<number>();
    assert.instance(q, Queue);
    for (const i of [1, 3, 2]) yield* q.put(i);
    assert.equal([yield* q.get(), yield* q.get(), yield* q.get()], [1, 2, 3]);
  });
});

test("the default order compares strings, and arrays by element 0 first", () => {
  const words = new PriorityQueue<string>();
  for (const w of ["pear", "apple", "fig"]) words.putNowait(w);
  assert.equal([words.getNowait(), words.getNowait(), words.getNowait()], ["apple", "fig", "pear"]);

  const entries = new PriorityQueue<[number, string]>();
  entries.putNowait([2, "b"]);
  entries.putNowait([1, "z"]);
  entries.putNowait([3, "a"]);
  entries.putNowait([1, "y"]);
  assert.equal(
    [entries.getNowait(), entries.getNowait(), entries.getNowait(), entries.getNowait()],
    [
      [1, "y"],
      [1, "z"],
      [2, "b"],
      [3, "a"],
    ],
  );
});

test("entries that compare equal come out in the order they were put", () => {
  const q = new PriorityQueue<[number, { id: string }]>();
  const ids = ["a", "b", "c", "d", "e"];
  for (const id of ids) q.putNowait([1, { id }]); // objects compare equal: ties
  q.putNowait([0, { id: "first" }]);
  const out: string[] = [];
  while (!q.empty()) out.push(q.getNowait()[1].id);
  assert.equal(out, ["first", ...ids]);
});

test("a comparator option sets the order", () => {
  const q = new PriorityQueue<{ p: number; name: string }>({ compare: (a, b) => b.p - a.p });
  q.putNowait({ p: 1, name: "low" });
  q.putNowait({ p: 5, name: "high" });
  q.putNowait({ p: 3, name: "mid" });
  q.putNowait({ p: 5, name: "high2" });
  const out: string[] = [];
  while (!q.empty()) out.push(q.getNowait().name);
  assert.equal(out, ["high", "high2", "mid", "low"]);
});

test("maxsize is given as a number or in the options", () => {
  assert.is(new PriorityQueue(3).maxsize, 3);
  assert.is(new PriorityQueue({ maxsize: 2 }).maxsize, 2);
  assert.is(new PriorityQueue().maxsize, 0);
  const q = new PriorityQueue<number>({ maxsize: 1, compare: (a, b) => a - b });
  q.putNowait(1);
  assert.ok(q.full());
});

test("the default order rejects items it cannot compare, at the put", () => {
  runVirtual(function* () {
    const q = new PriorityQueue<unknown>();
    assert.throws(() => q.putNowait({}), isA(TypeError));
    assert.throws(() => q.putNowait(NaN), isA(TypeError));
    assert.throws(() => q.put([]), isA(TypeError));
    q.putNowait(1);
    assert.throws(() => q.putNowait("one"), isA(TypeError));
    assert.throws(() => q.put(["one"]), isA(TypeError));
    assert.throws(() => q.putNowait([2, "two"]), isA(TypeError)); // an array among scalars
    q.putNowait(10n); // bigints and numbers compare
    q.putNowait(-3);
    assert.is(q.qsize(), 3);
    assert.equal([q.getNowait(), q.getNowait(), q.getNowait()], [-3, 1, 10n]);
    q.putNowait(["b", 1]);
    q.putNowait(["a", 2]);
    assert.throws(() => q.putNowait([1, "x"]), isA(TypeError));
    assert.equal(q.getNowait(), ["a", 2]);
  });
});

test("a throwing comparator leaves the queue as it was", () => {
  let explode = false;
  const q = new PriorityQueue<number>({
    compare: (a, b) => {
      if (explode) throw new Error("boom");
      return a - b;
    },
  });
  for (const i of [5, 3, 8, 1, 9, 2]) q.putNowait(i);
  explode = true;
  assert.throws(() => q.putNowait(0), /boom/);
  assert.throws(() => q.getNowait(), /boom/);
  assert.is(q.qsize(), 6);
  assert.is(q._unfinished, 6);
  explode = false;
  const out: number[] = [];
  while (!q.empty()) out.push(q.getNowait());
  assert.equal(out, [1, 2, 3, 5, 8, 9]);
});

test("a heap of many random numbers comes out sorted", () => {
  const q = new PriorityQueue<number>();
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const values: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const v = rand() % 500;
    values.push(v);
    q.putNowait(v);
    if (i % 3 === 0) {
      values.splice(values.indexOf(Math.min(...values)), 1);
      q.getNowait();
    }
  }
  values.sort((a, b) => a - b);
  const out: number[] = [];
  while (!q.empty()) out.push(q.getNowait());
  assert.equal(out, values);
});

test("waiting getters of a PriorityQueue get the smallest items in the order they waited", () => {
  runVirtual(function* () {
    const q = new PriorityQueue<number>();
    const got: number[] = [];
    const tasks = [0, 1].map(() =>
      createTask(
        (function* () {
          got.push(yield* q.get());
        })(),
      ),
    );
    yield;
    q.putNowait(9);
    q.putNowait(4);
    for (const t of tasks) yield* t;
    assert.equal(got, [4, 9]);
  });
});

test("bad constructor arguments throw", () => {
  assert.throws(() => new PriorityQueue("3" as any), isA(TypeError));
  assert.throws(() => new PriorityQueue(-1), isA(RangeError));
  assert.throws(() => new PriorityQueue({ compare: 5 as any }), isA(TypeError));
  assert.throws(() => new PriorityQueue({ maxsize: 1.5 }), isA(RangeError));
  assert.throws(() => new LifoQueue(NaN), isA(RangeError));
});

for (const [name, make] of [
  ["LifoQueue", () => new LifoQueue<number>()],
  ["PriorityQueue", () => new PriorityQueue<number>()],
] as const) {
  test(`${name}: taskDone too often throws, and join waits for every item`, () => {
    runVirtual(function* () {
      const q = make();
      assert.throws(() => q.taskDone(), /too many times/);
      for (let i = 0; i < 100; i++) q.putNowait(i);
      let total = 0;
      let running = true;
      function* worker(): Coroutine<void> {
        while (running) {
          total += yield* q.get();
          q.taskDone();
        }
      }
      const workers = [createTask(worker()), createTask(worker())];
      yield* q.join();
      assert.is(total, 4950);
      running = false;
      for (let i = 0; i < workers.length; i++) q.putNowait(0);
      for (const w of workers) yield* w;
      yield* q.join();
    });
  });
}

test.run();
