// Executor faults: a job that never finishes must not keep the process alive once it is
// cancelled or abandoned by a closing loop (its worker is terminated), and an error a job leaves
// behind is reported through the loop's exception handler instead of killing the worker and
// failing the next job with it. Children must exit by themselves: they are killed after 20 s.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ThreadPoolExecutor } from "../../src/io/executor/thread-pool-executor.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { run } from "../../src/run.js";
import { sleep } from "../../src/tasks/sleep.js";
import { bounded, runScript } from "../helpers.js";

const JOBS = pathToFileURL(join(process.cwd(), "tests/fixtures/executor-jobs.mjs")).href;

for (const job of ["never", "spin"]) {
  test(`run() with toThread(${job}) under waitFor throws TimeoutError and the process exits`, async () => {
    const r = await runScript(
      `
      import { run, waitFor, toThread } from "WASIO";
      try {
        await run(function* () { yield* waitFor(toThread(${JSON.stringify(JOBS)}, ${JSON.stringify(job)}), 200); });
      } catch (e) { console.log("caught " + e.name); }
    `,
      20_000,
    );
    assert.ok(!r.timedOut, `the child did not exit\n${r.stdout}${r.stderr}`);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, "caught TimeoutError");
  });
}

test("a job nobody awaits is abandoned when its loop closes: its worker is terminated and the process exits", async () => {
  const r = await runScript(
    `
    import { run, getRunningLoop, ThreadPoolExecutor } from "WASIO";
    const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const value = await run(function* () {
      const loop = getRunningLoop();
      loop.runInExecutor(null, ${JSON.stringify(JOBS)}, "spin");
      loop.runInExecutor(pool, ${JSON.stringify(JOBS)}, "never");
      yield;
      return "main done";
    });
    console.log(value, "workers", pool.workers);
  `,
    20_000,
  );
  assert.ok(!r.timedOut, `the child did not exit\n${r.stdout}${r.stderr}`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, "main done");
});

test("an error a job leaves behind is reported with the job's name and does not fail the next job", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const seen: ExceptionContext[] = [];
  const [a, b, c] = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      loop.setExceptionHandler((_l, ctx) => {
        seen.push(ctx);
      });
      const a = yield* loop.runInExecutor(pool, JOBS, "throwLater", 20, "late");
      const b = yield* loop.runInExecutor(pool, JOBS, "asyncAdd", 2, 3, 100); // on the same worker, while the timer fires
      const c = yield* loop.runInExecutor(pool, JOBS, "throwLater", 1, "while idle");
      for (let i = 0; i < 200 && seen.length < 2; i++) yield* sleep(10);
      return [a, b, c];
    }),
    20_000,
  );
  await bounded(pool.shutdown(), 20_000, "shutdown");
  assert.equal([a, b, c], ["returned", 5, "returned"]);
  assert.is(seen.length, 2, seen.map((s) => s.message).join("\n"));
  for (const ctx of seen) assert.match(ctx.message, /throwLater\(\)/);
  assert.equal(seen.map((s) => (s.exception as Error).message).sort(), ["late", "while idle"]);
});

test("a worker that dies while idle is reported through the exception handler and replaced", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const seen: ExceptionContext[] = [];
  const after = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      loop.setExceptionHandler((_l, ctx) => {
        seen.push(ctx);
      });
      yield* loop.runInExecutor(pool, JOBS, "exitLater", 5, 7);
      for (let i = 0; i < 200 && seen.length < 1; i++) yield* sleep(10);
      return yield* loop.runInExecutor(pool, JOBS, "add", 1, 2);
    }),
    20_000,
  );
  await bounded(pool.shutdown(), 20_000, "shutdown");
  assert.is(after, 3);
  assert.is(seen.length, 1);
  assert.match(seen[0].message, /died while idle \(exit code 7, after exitLater\(\)/);
});

test("a job whose worker is ended by an earlier job's leftover says so", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const message = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      yield* loop.runInExecutor(pool, JOBS, "exitLater", 20, 9);
      try {
        yield* loop.runInExecutor(pool, JOBS, "asyncAdd", 1, 1, 500);
        return "no error";
      } catch (e) {
        return (e as Error).message;
      }
    }),
    20_000,
  );
  await bounded(pool.shutdown(), 20_000, "shutdown");
  assert.match(message, /exited with code 9 while running asyncAdd\(\)/);
  assert.match(message, /earlier job on this worker.*exitLater\(\)/);
});

test.run();
