import { test } from "uvu";
import * as assert from "uvu/assert";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { run } from "../../src/run.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { createTask } from "../../src/tasks/create-task.js";
import { CancelledError } from "../../src/errors.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { ThreadPoolExecutor } from "../../src/io/executor/thread-pool-executor.js";
import { toThread, _defaultExecutorOf } from "../../src/io/executor/run-in-executor.js";
import { bounded, runScript } from "../helpers.js";

// The jobs run in workers, which import this plain ES module by URL (the test runner's cwd is the
// repository's root).
const JOBS = pathToFileURL(join(process.cwd(), "tests/fixtures/executor-jobs.mjs"));
type Jobs = typeof import("../fixtures/executor-jobs.mjs");

/** Runs `main` with an exception handler that records what it is given. */
async function runRecording<T>(
  main: (reports: ExceptionContext[]) => Generator<any, T, any>,
): Promise<[T, ExceptionContext[]]> {
  const reports: ExceptionContext[] = [];
  const result = await bounded(
    run(function* () {
      getRunningLoop().setExceptionHandler((_loop, ctx) => {
        reports.push(ctx);
      });
      return yield* main(reports);
    }),
  );
  return [result, reports];
}

test("a task awaiting a worker job gets its result", async () => {
  const result = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      const sum = yield* toThread<Jobs["add"]>(JOBS, "add", 2, 3);
      const viaLoop = yield* loop.runInExecutor(null, JOBS, "add", 40, 2);
      const viaDefault = yield* loop.runInExecutor(null, JOBS.href, "default", "x");
      const awaited = yield* toThread(JOBS, "asyncAdd", 1, 1);
      const builtin = yield* toThread("node:path", "basename", "/a/b/c.txt");
      return { sum, viaLoop, viaDefault, awaited, builtin };
    }),
  );
  assert.equal(result, { sum: 5, viaLoop: 42, viaDefault: "default:x", awaited: 2, builtin: "c.txt" });
});

test("arguments and results cross by structured clone", async () => {
  const input = {
    map: new Map([["k", 1]]),
    date: new Date(86_400_000),
    bytes: new Uint8Array([1, 2, 3]),
    big: 12345678901234567890n,
    set: new Set(["a"]),
    nested: { list: [1, { deep: true }] },
  };
  const out = await bounded(run(() => toThread<Jobs["inspect"]>(JOBS, "inspect", input)));
  assert.equal(out.types, { map: true, date: true, bytes: true, big: "bigint", set: true });
  assert.equal(out.echoed, input);
  assert.is.not(out.echoed, input);
  assert.is.not(out.echoed.bytes, input.bytes);
  assert.instance(out.echoed.date, Date);
  assert.equal([...out.doubledBytes], [2, 4, 6]);
  assert.is(out.mapSize, 1);
});

test("what cannot be cloned fails the job with the clone error", async () => {
  const [errors] = await runRecording(function* () {
    const seen: string[] = [];
    try {
      yield* toThread(JOBS, "add", () => 1, 2);
    } catch (e) {
      seen.push(`argument: ${/could not be cloned/.test((e as Error).message)}`); // DataCloneError (Node), TypeError (Deno)
    }
    try {
      yield* toThread(JOBS, "returnsFunction");
    } catch (e) {
      seen.push(`result: ${(e as Error).name} ${/cannot cross/.test((e as Error).message)}`);
    }
    return seen;
  });
  assert.equal(errors, ["argument: true", "result: DataCloneError true"]);
});

test("a job that throws surfaces as the task's exception, with the worker's name, message and stack", async () => {
  const [caught] = await runRecording(function* () {
    const out: unknown[] = [];
    for (const [name, arg] of [
      ["fail", "boom"],
      ["failWithTypeError", "bad type"],
      ["noSuchExport", 1],
    ] as const) {
      try {
        yield* toThread(JOBS, name, arg);
        out.push("no error");
      } catch (e) {
        out.push(e);
      }
    }
    return out;
  });
  const [jobError, typeError, missing] = caught as Error[];
  assert.instance(jobError, Error);
  assert.is(jobError.name, "JobError");
  assert.is(jobError.message, "boom");
  assert.is((jobError as Error & { code?: string }).code, "EJOB");
  assert.match(jobError.stack!, /JobError: boom/);
  assert.match(jobError.stack!, /executor-jobs\.mjs/);
  assert.instance(typeError, TypeError);
  assert.is(typeError.message, "bad type");
  assert.instance(missing, TypeError);
  assert.match(missing.message, /no function export "noSuchExport"/);
});

test("a job whose module cannot be found fails with the import error", async () => {
  const missing = pathToFileURL(join(process.cwd(), "tests/fixtures/no-such-module.mjs"));
  const error = await bounded(
    run(function* () {
      try {
        yield* toThread(missing, "f");
      } catch (e) {
        return e as Error;
      }
      return null;
    }),
  );
  assert.instance(error, Error);
  assert.match(error!.message, /no-such-module/);
});

test("cancelling the waiting task cancels the Future and terminates the worker running the job; the pool goes on", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const [[outcome, after, thread0, thread1, thread2], reports] = await runRecording(function* () {
    const loop = getRunningLoop();
    const thread0 = yield* loop.runInExecutor(pool, JOBS, "whoAmI");
    const fut = loop.runInExecutor<Jobs["waitForFlag"]>(pool, JOBS, "waitForFlag", flag);
    const waiter = createTask(
      (function* () {
        return yield* fut;
      })(),
    );
    yield; // the waiter starts awaiting the job
    waiter.cancel();
    let outcome = "not cancelled";
    try {
      yield* waiter;
    } catch (e) {
      if (e instanceof CancelledError) outcome = `cancelled, future cancelled: ${fut.cancelled()}`;
    }
    // The blocked worker was terminated (nobody ever sets the flag); the next jobs run on a new
    // worker of this one-worker pool, without a report.
    const thread1 = yield* loop.runInExecutor(pool, JOBS, "whoAmI");
    const after = yield* loop.runInExecutor(pool, JOBS, "add", 1, 1);
    const thread2 = yield* loop.runInExecutor(pool, JOBS, "whoAmI");
    return [outcome, after, thread0, thread1, thread2] as const;
  });
  assert.is(outcome, "cancelled, future cancelled: true");
  assert.is(after, 2);
  assert.is.not(thread0, thread1);
  assert.is(thread1, thread2);
  assert.equal(reports, []);
  await bounded(pool.shutdown(), 20_000, "shutdown");
  assert.is(pool.workers, 0);
});

test("cancelling a job still waiting for a worker means it never runs", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const [[queuedCancelled, bumps], reports] = await runRecording(function* () {
    const loop = getRunningLoop();
    const blocker = loop.runInExecutor(pool, JOBS, "waitForFlag", flag);
    const queued = loop.runInExecutor(pool, JOBS, "bump", counter);
    queued.cancel();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    yield* blocker;
    const bumps = yield* loop.runInExecutor<Jobs["bump"]>(pool, JOBS, "bump", counter);
    return [queued.cancelled(), bumps] as const;
  });
  assert.ok(queuedCancelled);
  assert.is(bumps, 1, "only the second bump job ran");
  assert.equal(reports, []);
  await bounded(pool.shutdown(), 20_000, "shutdown");
});

test("the pool reuses its workers and the default pool is shut down when the loop closes", async () => {
  let loop!: EventLoop;
  const threads = await bounded(
    run(function* () {
      loop = getRunningLoop();
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push(yield* loop.runInExecutor<Jobs["whoAmI"]>(null, JOBS, "whoAmI"));
      return ids;
    }),
  );
  assert.is(new Set(threads).size, 1, `one worker ran all three jobs: ${threads}`);
  assert.ok(loop.isClosed());
  const pool = _defaultExecutorOf(loop)!;
  assert.is(pool.maxWorkers, Math.min(32, availableParallelism() + 4));
  assert.ok(pool.isShutdown(), "closing the loop shut its default pool down");
  await bounded(pool.shutdown(), 20_000, "the workers' exit");
  assert.is(pool.workers, 0);
  assert.throws(() => loop.runInExecutor(null, JOBS, "add", 1, 2), /closed/);
});

test("a pool runs at most maxWorkers jobs at once and starts workers only when needed", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
  const flag = new Int32Array(new SharedArrayBuffer(8));
  assert.is(pool.workers, 0, "no worker before the first job");
  const seen = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      const jobs = [0, 1, 2].map(() => loop.runInExecutor(pool, JOBS, "waitForFlag", flag));
      const during = pool.workers;
      Atomics.store(flag, 0, 5);
      Atomics.notify(flag, 0);
      const results: number[] = [];
      for (const j of jobs) results.push((yield* j) as number);
      return { during, results };
    }),
  );
  assert.is(seen.during, 2);
  assert.equal(seen.results, [5, 5, 5]);
  await bounded(pool.shutdown(), 20_000, "shutdown");
  assert.is(pool.workers, 0);
});

test("a loop waiting for a far timer wakes at once when the job completes", async () => {
  const result = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      const far = loop.callLater(3_600_000, () => {});
      const value = yield* toThread<Jobs["block"]>(JOBS, "block", 20);
      far.cancel();
      return value;
    }),
    20_000,
    "the loop's wake-up by the finished job",
  );
  assert.is(result, 20);
});

test("shutdownDefaultExecutor waits for the workers and refuses new jobs", async () => {
  const out = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      const before = yield* loop.runInExecutor<Jobs["add"]>(null, JOBS, "add", 1, 2);
      const pool = _defaultExecutorOf(loop)!;
      yield* loop.shutdownDefaultExecutor();
      let refused = "";
      try {
        loop.runInExecutor(null, JOBS, "add", 1, 2);
      } catch (e) {
        refused = (e as Error).message;
      }
      return { before, workers: pool.workers, refused };
    }),
  );
  assert.is(out.before, 3);
  assert.is(out.workers, 0);
  assert.match(out.refused, /shut down/);
});

test("submit runs a job outside any loop and shutdown with cancelFutures cancels queued jobs", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: "test-pool" });
  assert.is(await bounded(pool.submit<Jobs["add"]>(JOBS, "add", 20, 22)), 42);
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const running = pool.submit(JOBS, "waitForFlag", flag);
  const queued = pool.submit(JOBS, "add", 1, 1).then(
    () => "resolved",
    (e: unknown) => e,
  );
  const closed = pool.shutdown({ cancelFutures: true });
  assert.throws(() => pool.submit(JOBS, "add", 1, 1), /after the executor's shutdown/);
  Atomics.store(flag, 0, 9);
  Atomics.notify(flag, 0);
  assert.is(await bounded(running), 9, "a running job still finishes");
  assert.instance(await queued, CancelledError);
  await bounded(closed, 20_000, "shutdown");
  assert.is(pool.workers, 0);
});

test("a worker that exits during a job fails that job and the pool replaces it", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const [message, thenAdded] = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      let message = "";
      try {
        yield* loop.runInExecutor(pool, JOBS, "exitWorker", 3);
      } catch (e) {
        message = (e as Error).message;
      }
      return [message, yield* loop.runInExecutor(pool, JOBS, "add", 2, 2)] as const;
    }),
  );
  assert.match(message, /exited with code 3/);
  assert.is(thenAdded, 4);
  await bounded(pool.shutdown(), 20_000, "shutdown");
});

test("arguments are checked at the call", () => {
  assert.throws(() => toThread(42 as any, "add"), TypeError);
  assert.throws(() => toThread(JOBS, "" as any), TypeError);
  assert.throws(() => toThread(JOBS, 7 as any), TypeError);
  assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 0 }), RangeError);
  assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 1.5 }), RangeError);
  assert.throws(() => new ThreadPoolExecutor({ maxWorkers: "2" as any }), TypeError);
  const loop = new EventLoop();
  try {
    assert.throws(() => loop.runInExecutor({} as any, JOBS, "add"), TypeError);
    assert.throws(() => loop.runInExecutor(null, null as any, "add"), TypeError);
  } finally {
    loop.close();
  }
});

test("a new worker whose first job cannot be cloned goes idle unref'd: the process still exits", async () => {
  const r = await runScript(
    `
    import { ThreadPoolExecutor } from "WASIO";
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    try { await ex.submit("node:os", "cpus", () => 1); } catch (e) { console.log(\`rejected: \${/could not be cloned/.test(e.message)}\`); }
    console.log(\`workers \${ex.workers}\`);
  `,
    20_000,
  );
  assert.ok(!r.timedOut, `the child did not exit\n${r.stdout}${r.stderr}`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, "rejected: true", r.stdout); // DataCloneError (Node), TypeError (Deno)
  assert.match(r.stdout, "workers 1");
});

test.run();
