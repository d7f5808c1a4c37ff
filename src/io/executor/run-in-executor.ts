// runInExecutor / toThread: a job on a worker thread, awaited as a Future of a loop (asyncio's
// loop.run_in_executor and asyncio.to_thread).
//
// The job's outcome arrives on the host runtime's event loop (a worker message). It reaches the
// wasio loop only through `loop._soonThreadsafe` — queued for the next pass, the loop woken
// through its wake-up fd — so a loop waiting for a far timer resumes at once, and no loop state
// is touched from the foreign callback.
//
// Cancelling the Future (or the task awaiting it) cancels the job: one still waiting for a worker
// never runs, a running one has its worker terminated. Jobs still pending when their loop closes
// are abandoned the same way, so a job that never finishes cannot keep the process alive. Faults
// of a job's worker (an error the job left behind, a worker that died) reach the loop's exception
// handler.
//
// Each loop has a default executor (a ThreadPoolExecutor with the default size), created on first
// use, shut down when the loop closes (jobs still queued are cancelled, running ones finish) or by
// `loop.shutdownDefaultExecutor()`.

import type { EventLoop } from "../../loop/event-loop.js";
import { getRunningLoop } from "../../loop/running.js";
import { describe } from "../../checks.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { checkExportName, resolveModuleUrl, type JobFunction } from "./job-spec.js";
import {
  JOB_CANCELLED,
  JOB_FAILED,
  JOB_OK,
  ThreadPoolExecutor,
  type Job,
  type JobStatus,
} from "./thread-pool-executor.js";

interface DefaultExecutor {
  executor: ThreadPoolExecutor | null;
  shutdownCalled: boolean;
  /** Jobs of this loop not finished yet, with their pools: cancelled when the loop closes. */
  pending: Map<Job, ThreadPoolExecutor> | null;
}

const defaults = new WeakMap<EventLoop, DefaultExecutor>();

function defaultState(loop: EventLoop): DefaultExecutor {
  let st = defaults.get(loop);
  if (st === undefined) defaults.set(loop, (st = { executor: null, shutdownCalled: false, pending: null }));
  return st;
}

/** @internal The loop's default executor if it was created (tests look at it). */
export function _defaultExecutorOf(loop: EventLoop): ThreadPoolExecutor | null {
  return defaults.get(loop)?.executor ?? null;
}

function defaultExecutor(loop: EventLoop): ThreadPoolExecutor {
  const st = defaultState(loop);
  if (st.shutdownCalled) throw new Error("the loop's default executor has been shut down (shutdownDefaultExecutor)");
  if (st.executor === null) {
    const ex = new ThreadPoolExecutor();
    st.executor = ex;
    loop._closeHooks.push(() => {
      void ex.shutdown({ cancelFutures: true });
    });
  }
  return st.executor;
}

/**
 * Runs `exportName(...args)` of module `moduleUrl` on a worker of `executor` (null: the loop's
 * default pool) and returns a Future of `loop` for its result (what `loop.runInExecutor` does).
 */
export function runInExecutor<F extends JobFunction = JobFunction>(
  loop: EventLoop,
  executor: ThreadPoolExecutor | null,
  moduleUrl: string | URL,
  exportName: string,
  args: Parameters<F>,
): Future<Awaited<ReturnType<F>>> {
  if (executor !== null && !(executor instanceof ThreadPoolExecutor)) {
    throw new TypeError(`executor must be a ThreadPoolExecutor or null, got ${describe(executor)}`);
  }
  const url = resolveModuleUrl(moduleUrl);
  checkExportName(exportName);
  const fut = loop.createFuture<Awaited<ReturnType<F>>>();
  // A simulated host may fail the job instead (a fault drawn from its seed, or scheduled).
  const fault = (loop.host as { _executorFault?(what: string): Error | null })._executorFault?.(exportName) ?? null;
  if (fault !== null) {
    loop._soon(settle, [fut, JOB_FAILED, fault]);
    return fut;
  }
  const ex = executor ?? defaultExecutor(loop);
  const pending = pendingJobs(loop);
  let submitted: Job | null = null; // null while _submit runs (a job may fail inside it)
  const job: Job = ex._submit(
    url,
    exportName,
    args,
    (status, value) => {
      if (submitted !== null) pending.delete(submitted);
      if (!loop.isClosed()) loop._soonThreadsafe(settle, [fut, status, value]);
    },
    (context) => {
      if (!loop.isClosed()) loop.callSoonThreadsafe(() => loop.callExceptionHandler({ ...context, future: fut }));
      else throw new Error("loop closed");
    },
  );
  submitted = job;
  if (job.done !== null) pending.set(job, ex); // not failed at once (arguments that cannot be cloned)
  fut.addDoneCallback((f) => {
    if (f.cancelled()) ex._cancel(job);
  });
  return fut;
}

/** The loop's unfinished jobs; the first call makes its close cancel those still pending then. */
function pendingJobs(loop: EventLoop): Map<Job, ThreadPoolExecutor> {
  const st = defaultState(loop);
  if (st.pending === null) {
    const pending = (st.pending = new Map());
    loop._closeHooks.push(() => {
      for (const [job, ex] of [...pending]) ex._cancel(job);
      pending.clear();
    });
  }
  return st.pending;
}

/** On the loop: hands a job's outcome to its Future, unless the Future was cancelled meanwhile. */
function settle([fut, status, value]: [Future<unknown>, JobStatus, unknown]): void {
  if (fut.done()) return;
  if (status === JOB_OK) fut.setResult(value);
  else if (status === JOB_CANCELLED) fut.cancel();
  else fut._fail(value);
}

/**
 * Shuts the loop's default executor down: no more `runInExecutor(null, …)`; the Future is done
 * when its workers have finished their jobs and exited (at once if it never started).
 */
export function shutdownDefaultExecutor(loop: EventLoop): Future<void> {
  const fut = loop.createFuture<void>();
  const st = defaultState(loop);
  st.shutdownCalled = true;
  const ex = st.executor;
  if (ex === null) {
    fut.setResult(undefined);
  } else {
    void ex.shutdown().then(() => {
      if (!loop.isClosed()) loop._soonThreadsafe(resolveVoid, fut);
    });
  }
  return fut;
}

function resolveVoid(fut: Future<void>): void {
  if (!fut.done()) fut.setResult(undefined);
}

/**
 * Runs `exportName(...args)` of module `moduleUrl` on a worker thread of the running loop's
 * default executor and returns its result (asyncio.to_thread). Arguments and the result cross by
 * structured clone; what the function throws is thrown here (an Error with the worker's `name`,
 * `message` and `stack`). The function may return a promise: the worker awaits it.
 *
 * ```ts
 * const text = yield* toThread<typeof import("node:fs").readFileSync>("node:fs", "readFileSync", path, "utf8");
 * ```
 */
export function toThread<F extends JobFunction = JobFunction>(
  moduleUrl: string | URL,
  exportName: string,
  ...args: Parameters<F>
): Coroutine<Awaited<ReturnType<F>>> {
  const url = resolveModuleUrl(moduleUrl);
  checkExportName(exportName);
  return awaitJob<F>(url, exportName, args);
}

function* awaitJob<F extends JobFunction>(
  url: string,
  exportName: string,
  args: Parameters<F>,
): Coroutine<Awaited<ReturnType<F>>> {
  return yield* runInExecutor<F>(getRunningLoop(), null, url, exportName, args);
}
