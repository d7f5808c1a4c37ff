// Barrier: filling and draining rounds, indexes, cancellation, reset and abort while tasks wait
// (asyncio 3.13's test_locks BarrierTests, ported).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { BrokenBarrierError, CancelledError } from "../../src/errors.js";
import { Barrier } from "../../src/sync/barrier.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import type { Task } from "../../src/tasks/task.js";
import { runVirtual, isA } from "../helpers.js";

const N = 5;

/** Starts `n` tasks running `coro()` and waits for them all (their errors fail the test). */
function* gatherN<T>(n: number, coro: () => Coroutine<T>): Coroutine<T[]> {
  const tasks = makeTasks(n, coro);
  const out: T[] = [];
  for (const t of tasks) out.push(yield* t);
  return out;
}

function makeTasks<T>(n: number, coro: () => Coroutine<T>): Task<T>[] {
  return Array.from({ length: n }, () => createTask(coro()));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test("parties must be a positive integer", () => {
  assert.throws(() => new Barrier(0), isA(RangeError));
  assert.throws(() => new Barrier(-4), isA(RangeError));
  assert.throws(() => new Barrier(1.5), isA(RangeError));
  assert.throws(() => new Barrier("3" as any), isA(TypeError));
  const b = new Barrier(N);
  assert.is(b.parties, N);
  assert.is(b.nWaiting, 0);
  assert.not.ok(b.broken);
  assert.match(String(b), "filling");
});

test("toString follows the states: filling, draining, resetting, broken", () => {
  runVirtual(function* () {
    const barrier = new Barrier(N);
    assert.is(String(barrier), `<Barrier [filling, waiters:0/${N}]>`);
    const waiters: Task<unknown>[] = [];
    for (let i = 0; i < 2; i++) waiters.push(createTask(barrier.wait()));
    yield;
    assert.is(String(barrier), `<Barrier [filling, waiters:2/${N}]>`);
    for (let i = 0; i < barrier.parties - barrier.nWaiting; i++) waiters.push(createTask(barrier.wait()));
    yield;
    assert.match(String(barrier), "draining");
    for (let i = 0; i < 2; i++) waiters.push(createTask(barrier.wait()));
    yield;
    yield* barrier.reset();
    assert.match(String(barrier), "resetting");
    for (let i = 0; i < 2; i++) waiters.push(createTask(barrier.wait()));
    yield;
    yield* barrier.abort();
    assert.match(String(barrier), "broken");
    assert.ok(barrier.broken);
    for (const t of waiters) {
      try {
        yield* t;
      } catch (e) {
        assert.instance(e, BrokenBarrierError);
      }
    }
  });
});

test("as a context manager each party gets a distinct index", () => {
  runVirtual(function* () {
    const barrier = new Barrier(3);
    const results: number[] = [];
    yield* gatherN(3, function* () {
      yield* asyncWith(barrier, function* (i) {
        results.push(i);
      });
    });
    assert.equal([...results].sort(), [0, 1, 2]);
    assert.is(barrier.nWaiting, 0);
    assert.not.ok(barrier.broken);
  });
});

test("a barrier of one lets each task through at once, with index 0", () => {
  runVirtual(function* () {
    const barrier = new Barrier(1);
    assert.is(yield* barrier.wait(), 0);
    const t1 = createTask(barrier.wait());
    yield;
    assert.is(barrier.nWaiting, 0);
    const t2 = createTask(barrier.wait());
    yield;
    assert.is(t1.result(), 0);
    assert.is(t2.result(), 0);
    assert.not.ok(barrier.broken);
  });
});

test("nWaiting counts the tasks as they arrive, and the last arrival releases them all", () => {
  runVirtual(function* () {
    const barrier = new Barrier(3);
    const t1 = createTask(barrier.wait());
    yield;
    assert.is(barrier.nWaiting, 1);
    const t2 = createTask(barrier.wait());
    yield;
    assert.is(barrier.nWaiting, 2);
    const t3 = createTask(barrier.wait());
    const indexes = [yield* t1, yield* t2, yield* t3];
    assert.equal([...indexes].sort(), [0, 1, 2]);
    assert.is(t3.result(), 2); // the last to arrive leaves first
    assert.is(barrier.nWaiting, 0);
  });
});

test("tasks pass the barrier twice in a row", () => {
  runVirtual(function* () {
    const barrier = new Barrier(N);
    const results: boolean[] = [];
    const indexes = yield* gatherN(N, function* () {
      let index = -1;
      yield* asyncWith(barrier, function* () {
        results.push(true);
        yield* asyncWith(barrier, function* (i) {
          results.push(false);
          index = i;
        });
      });
      return index;
    });
    assert.is(results.filter((r) => r).length, N);
    assert.is(results.filter((r) => !r).length, N);
    assert.equal([...indexes].sort(), range(N));
    assert.is(barrier.nWaiting, 0);
  });
});

test("the barrier drains, and is filling again once the last task has left", () => {
  runVirtual(function* () {
    const barrier = new Barrier(N);
    const results: boolean[] = [];
    yield* gatherN(N, function* () {
      yield* asyncWith(barrier, function* () {
        results.push(String(barrier).includes("draining"));
      });
    });
    assert.is(results.length, N);
    assert.is(results[N - 1], false);
    assert.ok(results.slice(0, N - 1).every((r) => r));
  });
});

test("tasks arriving while the barrier drains wait for the next round", () => {
  runVirtual(function* () {
    const rewait = 2;
    const barrier = new Barrier(N);
    const others = new Barrier(N - rewait);
    let rewaitN = rewait;
    yield* gatherN(N, function* () {
      yield* barrier.wait();
      if (rewaitN > 0) {
        rewaitN--;
        yield* barrier.wait(); // arrives while the first round drains
      } else {
        yield* others.wait();
        yield* barrier.wait();
      }
    });
    assert.is(barrier.nWaiting, 0);
  });
});

test("a task cancelled while waiting leaves; the others wait for a replacement", () => {
  runVirtual(function* () {
    const barrier = new Barrier(3);
    const results: boolean[] = [];
    function* coro(): Coroutine<void> {
      yield* barrier.wait();
      results.push(true);
    }
    const t1 = createTask(coro());
    yield;
    assert.is(barrier.nWaiting, 1);
    const t2 = createTask(coro());
    yield;
    assert.is(barrier.nWaiting, 2);
    t1.cancel();
    yield;
    assert.is(barrier.nWaiting, 1);
    try {
      yield* t1;
      assert.unreachable("t1 was cancelled");
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    const t3 = createTask(coro());
    yield;
    assert.is(barrier.nWaiting, 2);
    const t4 = createTask(coro());
    for (const t of [t2, t3, t4]) yield* t;
    assert.equal(results, [true, true, true]);
    assert.is(barrier.nWaiting, 0);
  });
});

test("resetting a barrier with no one waiting leaves it filling", () => {
  runVirtual(function* () {
    const barrier = new Barrier(1);
    yield* barrier.reset();
    assert.is(barrier.nWaiting, 0);
    assert.not.ok(barrier.broken);
  });
});

test("a reset while tasks wait sends them out with BrokenBarrierError", () => {
  runVirtual(function* () {
    const barrier = new Barrier(N);
    const results: boolean[] = [];
    const tasks = makeTasks(N - 1, function* () {
      try {
        yield* barrier.wait();
      } catch (e) {
        if (e instanceof BrokenBarrierError) results.push(true);
        else throw e;
      }
    });
    yield;
    createTask(barrier.reset());
    for (const t of tasks) yield* t;
    assert.is(results.length, N - 1);
    assert.is(barrier.nWaiting, 0);
    assert.not.match(String(barrier), "resetting");
    assert.not.ok(barrier.broken);
  });
});

test("a reset while half the tasks drain breaks only the ones still waiting", () => {
  runVirtual(function* () {
    const barrier = new Barrier(N);
    const results: boolean[] = [];
    const rest = Math.floor(N / 2);
    yield* gatherN(N, function* () {
      try {
        yield* barrier.wait();
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results.push(true);
        return;
      }
      if (barrier._count === rest) yield* barrier.reset();
    });
    assert.equal(results, Array(rest).fill(true));
    assert.is(barrier.nWaiting, 0);
    assert.not.match(String(barrier), "resetting");
    assert.not.ok(barrier.broken);
  });
});

test("tasks broken by a reset can wait again and pass together with a newcomer", () => {
  runVirtual(function* () {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const tasks = makeTasks(N - 1, function* () {
      try {
        yield* barrier.wait();
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results1.push(true);
      } finally {
        yield* barrier.wait();
        results2.push(true);
      }
    });
    createTask(barrier.reset());
    yield;
    createTask(
      (function* () {
        yield* asyncWith(barrier, function* () {
          results2.push(true);
        });
      })(),
    );
    for (const t of tasks) yield* t;
    assert.not.ok(barrier.broken);
    assert.is(results1.length, N - 1);
    assert.is(results2.length, N);
    assert.is(barrier.nWaiting, 0);
  });
});

test("a reset while tasks drain lets the drained tasks pass again", () => {
  runVirtual(function* () {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    let count = 0;
    yield* gatherN(N, function* () {
      yield* barrier.wait();
      count++;
      if (count === N) {
        yield* barrier.reset(); // the last one out
        yield* barrier.wait();
      } else {
        try {
          yield* barrier.wait();
          results1.push(true);
        } catch {
          results2.push(true);
        }
      }
      yield* barrier.wait();
      results3.push(true);
    });
    assert.not.ok(barrier.broken);
    assert.is(results1.length, N - 1);
    assert.is(results2.length, 0);
    assert.is(results3.length, N);
    assert.is(barrier.nWaiting, 0);
  });
});

test("abort breaks the barrier for waiting and later tasks until a reset", () => {
  runVirtual(function* () {
    const barrier = new Barrier(3);
    const waiting = createTask(barrier.wait());
    yield;
    yield* barrier.abort();
    assert.ok(barrier.broken);
    assert.is(barrier.nWaiting, 0);
    for (const aw of [waiting, barrier.wait()]) {
      try {
        yield* aw;
        assert.unreachable("the barrier is broken");
      } catch (e) {
        assert.instance(e, BrokenBarrierError);
      }
    }
    yield* barrier.reset();
    assert.not.ok(barrier.broken);
    const tasks = makeTasks(3, () => barrier.wait());
    for (const t of tasks) yield* t;
  });
});

test("abort while some tasks drain and others wait again breaks both the draining and the waiting ones", () => {
  runVirtual(function* () {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const blocking = Math.floor(N / 2);
    let count = 0;
    yield* gatherN(N, function* () {
      try {
        yield* barrier.wait();
      } catch (e) {
        if (!(e instanceof BrokenBarrierError)) throw e;
        results1.push(true);
        return;
      }
      count++;
      if (count > blocking) {
        yield* barrier.abort();
      } else {
        try {
          yield* barrier.wait();
        } catch (e) {
          if (!(e instanceof BrokenBarrierError)) throw e;
          results2.push(true);
        }
      }
    });
    assert.ok(barrier.broken);
    assert.equal(results1, Array(blocking).fill(true)); // still inside their first wait
    assert.equal(results2, Array(N - blocking - 1).fill(true)); // waiting for the next round
    assert.is(barrier.nWaiting, 0);
    assert.not.match(String(barrier), "resetting");
  });
});

test("a task that fails inside the barrier aborts it for the others, and a reset starts over", () => {
  runVirtual(function* () {
    const barrier1 = new Barrier(N);
    const barrier2 = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    yield* gatherN(N, function* () {
      try {
        const i = yield* barrier1.wait();
        if (i === Math.floor(N / 2)) throw new RangeError("fail");
        yield* barrier1.wait();
        results1.push(true);
      } catch (e) {
        if (e instanceof BrokenBarrierError) results2.push(true);
        else if (e instanceof RangeError) yield* barrier1.abort();
        else throw e;
      }
      const i = yield* barrier2.wait();
      if (i === Math.floor(N / 2)) yield* barrier1.reset();
      yield* barrier2.wait();
      yield* barrier1.wait();
      results3.push(true);
    });
    assert.not.ok(barrier1.broken);
    assert.is(results1.length, 0);
    assert.is(results2.length, N - 1);
    assert.is(results3.length, N);
    assert.is(barrier1.nWaiting, 0);
  });
});

test("wait() returns each task's arrival order in its round, as asyncio's index", () => {
  const got = runVirtual(function* () {
    const b = new Barrier(3);
    const ts = [0, 1, 2].map(() => createTask(b.wait()));
    const first = [];
    for (const t of ts) first.push(yield* t);
    const again = [0, 1, 2].map(() => createTask(b.wait()));
    const second = [];
    for (const t of again) second.push(yield* t);
    return [first, second];
  });
  assert.equal(got, [
    [0, 1, 2],
    [0, 1, 2],
  ]);
});

test("after an abort while draining and a reset, indices still start at 0", () => {
  const got = runVirtual(function* () {
    const b = new Barrier(2);
    const a1 = createTask(b.wait());
    const a2 = createTask(b.wait());
    yield; // both arrive: the round drains
    yield* b.abort();
    yield* caughtAll([a1, a2]);
    yield* b.reset();
    const e = createTask(b.wait());
    const f = createTask(b.wait());
    return [yield* e, yield* f];
  });
  assert.equal(got, [0, 1]);
});

function* caughtAll(ts: Task<number>[]): Coroutine<void> {
  for (const t of ts) {
    try {
      yield* t;
    } catch {
      /* broken or passed: either is fine here */
    }
  }
}

test.run();
