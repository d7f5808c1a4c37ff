// ThreadPoolExecutor: a pool of worker threads that run jobs — concurrent.futures'
// ThreadPoolExecutor, with "call this function" replaced by "call this module's export" since
// functions cannot cross threads in JavaScript (see job-spec.ts).
//
// The pool owns its workers and a FIFO of jobs waiting for one; it knows nothing of event loops.
// A job's outcome is handed to the `done` callback given at submission, called from the host
// runtime's own event loop (a worker's message event). `runInExecutor` (run-in-executor.ts) is
// what bridges that callback into a loop, through the loop's wake-up fd.
//
// Lifecycle, as in Python:
//   - workers start lazily: a job goes to an idle worker, else to a new one while there are fewer
//     than `maxWorkers`, else it waits in the queue;
//   - a worker keeps the process alive exactly while it runs a job (it is `unref`'d when idle);
//   - each worker runs one job at a time and is reused for the next;
//   - `shutdown()` refuses new jobs, lets queued and running jobs finish (or, with
//     `cancelFutures`, cancels the queued ones), then stops every worker.
// Unlike a thread, a worker can be stopped: cancelling a running job terminates its worker (a
// busy loop or a promise that never settles cannot keep the process alive), and the pool starts
// another one for the next job.
//
// Faults: an error a job leaves behind (a timer or promise that throws after the job returned)
// does not kill its worker; it is reported through the job's `report` (the submitting loop's
// exception handler), naming the job it came from where the runtime can tell. A worker that dies
// anyway (process.exit, out of memory) fails the job it was running with an error saying so, or,
// when idle, is reported the same way and replaced on demand.
//
// Invariants: a live worker is either idle (in `idle`, unref'd, no job) or busy (its slot holds
// exactly one job, ref'd). A job is queued, running on one slot, or finished (its `done` called
// exactly once).

import type * as NodeOs from "node:os";
import { cheapCancelledError } from "../../errors.js";
import { checkExportName, resolveModuleUrl, type JobFunction } from "./job-spec.js";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";
import { spawnWorker, type PoolWorker } from "./pool-worker.js";
import { reviveThrown } from "./worker-errors.js";
import type { ThrownData } from "./worker-source.js";

export interface ThreadPoolExecutorOptions {
  /** How many workers at most (default `min(32, cores + 4)`, as Python's). */
  maxWorkers?: number;
  /** The prefix of the workers' names (default "ThreadPoolExecutor-N"); a worker is named `${prefix}_${i}`. */
  threadNamePrefix?: string;
}

export interface ExecutorShutdownOptions {
  /** Cancel the jobs still waiting for a worker (default false: they run first). */
  cancelFutures?: boolean;
}

/** @internal How a job ended: JOB_OK (value: its result), JOB_FAILED (value: what it threw), JOB_CANCELLED. */
export type JobStatus = 0 | 1 | 2;
/** @internal */ export const JOB_OK = 0;
/** @internal */ export const JOB_FAILED = 1;
/** @internal */ export const JOB_CANCELLED = 2;

/** @internal Called once with a job's outcome, from the host runtime's event loop. */
export type JobDone = (status: JobStatus, value: unknown) => void;

/** @internal Reports a fault outside a job's own outcome (asyncio's exception-handler context). */
export type JobReport = (context: { message: string; exception?: unknown }) => void;

/** @internal A submitted job. */
export interface Job {
  readonly id: number;
  readonly url: string;
  readonly name: string;
  args: unknown[] | null; // dropped once posted to a worker
  done: JobDone | null; // null once called
  /** Where faults of this job's worker are reported (null: console.error). */
  report: JobReport | null;
}

interface Slot {
  readonly name: string;
  readonly worker: PoolWorker;
  job: Job | null;
  /** The last jobs this worker ran, newest last (to name the one a stray error came from). */
  recent: Job[];
  /** What the worker failed with outside a job (reported to its job when it exits). */
  error: unknown;
  /** The pool stopped this worker itself (shutdown, a cancelled job): its exit is no fault. */
  stopping: boolean;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: ThrownData;
  stray?: boolean;
}

/** How many finished jobs a worker remembers for naming the source of a stray error. */
const RECENT_JOBS = 8;

let poolCounter = 0;

/** The default pool size: min(32, cores + 4). */
export function defaultMaxWorkers(): number {
  const os = nodeBuiltin<typeof NodeOs>("node:os");
  let cores = 1;
  if (os !== null) cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  else if (typeof navigator === "object" && navigator !== null && navigator.hardwareConcurrency > 0)
    cores = navigator.hardwareConcurrency;
  return Math.min(32, Math.max(1, cores) + 4);
}

export class ThreadPoolExecutor {
  /** The most workers this pool runs at once. */
  readonly maxWorkers: number;
  private readonly prefix: string;
  private readonly queue: Job[] = [];
  private readonly idle: Slot[] = [];
  private readonly live = new Set<Slot>();
  private spawned = 0;
  private nextJobId = 1;
  private shutDown = false;
  private exited: Promise<void> | null = null;
  private resolveExited: (() => void) | null = null;

  constructor(options: ThreadPoolExecutorOptions = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    const max = options.maxWorkers ?? defaultMaxWorkers();
    if (typeof max !== "number") throw new TypeError(`maxWorkers must be a positive integer, got ${typeof max}`);
    if (!Number.isInteger(max) || max <= 0) throw new RangeError(`maxWorkers must be a positive integer, got ${max}`);
    this.maxWorkers = max;
    const prefix = options.threadNamePrefix ?? `ThreadPoolExecutor-${poolCounter++}`;
    if (typeof prefix !== "string") throw new TypeError("threadNamePrefix must be a string");
    this.prefix = prefix;
  }

  /** How many workers are alive (started and not yet exited). */
  get workers(): number {
    return this.live.size;
  }

  /** True once `shutdown()` has been called. */
  isShutdown(): boolean {
    return this.shutDown;
  }

  /**
   * Runs `exportName(...args)` of module `moduleUrl` on a worker; the promise settles with its
   * result or rejects with what it threw (concurrent.futures' `submit`, for code outside a loop —
   * inside one, use `loop.runInExecutor(executor, …)` or `toThread`).
   */
  submit<F extends JobFunction = JobFunction>(
    moduleUrl: string | URL,
    exportName: string,
    ...args: Parameters<F>
  ): Promise<Awaited<ReturnType<F>>> {
    const url = resolveModuleUrl(moduleUrl);
    checkExportName(exportName);
    this.checkOpen();
    return new Promise((resolve, reject) => {
      this._submit(url, exportName, args, (status, value) => {
        if (status === JOB_OK) resolve(value as Awaited<ReturnType<F>>);
        else reject(status === JOB_CANCELLED ? cheapCancelledError(undefined) : value);
      });
    });
  }

  /**
   * Stops taking jobs. Jobs already submitted still run (queued ones are cancelled with
   * `cancelFutures`); then every worker stops. The promise resolves once all workers have exited;
   * calling again returns the same promise.
   */
  shutdown(options: ExecutorShutdownOptions = {}): Promise<void> {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    this.shutDown = true;
    if (options.cancelFutures) {
      for (const job of this.queue.splice(0)) finish(job, JOB_CANCELLED, undefined);
    }
    if (this.exited === null) {
      this.exited = new Promise((resolve) => {
        this.resolveExited = resolve;
      });
      this.reap();
    }
    return this.exited;
  }

  /** @internal Queues a job (url already resolved, name checked); `done` gets its outcome. */
  _submit(url: string, name: string, args: unknown[], done: JobDone, report: JobReport | null = null): Job {
    this.checkOpen();
    const job: Job = { id: this.nextJobId++, url, name, args, done, report };
    this.queue.push(job);
    this.pump();
    return job;
  }

  /**
   * @internal Cancels a job: one still waiting for a worker never runs; a running one has its
   * worker terminated. False if the job had finished.
   */
  _cancel(job: Job): boolean {
    const i = this.queue.indexOf(job);
    if (i >= 0) {
      this.queue.splice(i, 1);
      finish(job, JOB_CANCELLED, undefined);
      return true;
    }
    for (const slot of this.live) {
      if (slot.job !== job) continue;
      slot.job = null;
      this.stop(slot);
      finish(job, JOB_CANCELLED, undefined);
      return true;
    }
    return false;
  }

  /** Terminates a worker on purpose; its exit event removes it from the pool. */
  private stop(slot: Slot): void {
    slot.stopping = true;
    slot.worker.terminate();
  }

  private checkOpen(): void {
    if (this.shutDown) throw new Error("cannot schedule new jobs after the executor's shutdown");
  }

  /** Starts queued jobs on idle or new workers while both exist. */
  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.idle.pop();
      if (slot === undefined) {
        if (this.live.size >= this.maxWorkers) return;
        try {
          slot = this.spawn();
        } catch (error) {
          finish(this.queue.shift()!, JOB_FAILED, error);
          continue;
        }
      }
      this.start(slot, this.queue.shift()!);
    }
    this.reap();
  }

  private spawn(): Slot {
    const name = `${this.prefix}_${this.spawned++}`;
    let slot: Slot | null = null;
    const worker = spawnWorker(name, {
      message: (data) => this.onMessage(slot!, data as Reply),
      error: (error) => {
        if (slot !== null) slot.error = error;
      },
      exit: (code) => this.onExit(slot!, code),
    });
    slot = { name, worker, job: null, recent: [], error: undefined, stopping: false };
    this.live.add(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    try {
      slot.worker.post({ id: job.id, url: job.url, name: job.name, args: job.args });
    } catch (error) {
      // the arguments cannot be cloned
      slot.worker.unref(); // idle (a new worker starts out ref'd)
      this.idle.push(slot);
      finish(job, JOB_FAILED, error);
      return;
    }
    job.args = null;
    slot.job = job;
    slot.recent.push(job);
    if (slot.recent.length > RECENT_JOBS) slot.recent.shift();
    slot.worker.ref();
  }

  private onMessage(slot: Slot, reply: Reply): void {
    if (reply.stray === true) {
      this.onStray(slot, reply.id, reviveThrown(reply.error!));
      return;
    }
    const job = slot.job;
    if (job === null || reply.id !== job.id) return;
    slot.job = null;
    slot.worker.unref();
    this.idle.push(slot);
    if (reply.ok) finish(job, JOB_OK, reply.value);
    else finish(job, JOB_FAILED, reviveThrown(reply.error!));
    this.pump();
  }

  /** An error escaped a job's own call on `slot` (it came from job `id`, or is unattributed). */
  private onStray(slot: Slot, id: number | null, error: unknown): void {
    const from = id === null ? null : (slot.recent.find((j) => j.id === id) ?? null);
    const culprit = from ?? slot.job ?? slot.recent[slot.recent.length - 1] ?? null;
    const what = from !== null ? `${from.name}() of ${from.url}` : "a job (which one cannot be told here)";
    report(culprit, {
      message: `an error escaped ${what} on worker ${slot.name}, outside the job's own call (a timer or promise it left behind); the worker goes on`,
      exception: error,
    });
  }

  private onExit(slot: Slot, code: number): void {
    this.live.delete(slot);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    const job = slot.job;
    if (job !== null) {
      slot.job = null;
      const earlier = slot.recent.filter((j) => j !== job).map((j) => `${j.name}()`);
      const blame =
        earlier.length === 0
          ? ""
          : ` (the cause may be something an earlier job on this worker left behind: ${earlier.join(", ")})`;
      const error = new Error(
        `worker ${slot.name} exited with code ${code} while running ${job.name}() of ${job.url}${blame}`,
        slot.error === undefined ? undefined : { cause: slot.error },
      );
      finish(job, JOB_FAILED, error);
    } else if (!slot.stopping) {
      const last = slot.recent[slot.recent.length - 1] ?? null;
      report(last, {
        message: `worker ${slot.name} died while idle (exit code ${code}${last !== null ? `, after ${last.name}() of ${last.url}` : ""}); the pool starts another on demand`,
        exception: slot.error,
      });
    }
    this.pump();
  }

  /** After shutdown: stops idle workers once nothing is queued; resolves `exited` when none is left. */
  private reap(): void {
    if (!this.shutDown || this.queue.length > 0) return;
    for (const slot of this.idle.splice(0)) this.stop(slot);
    if (this.live.size === 0 && this.resolveExited !== null) {
      this.resolveExited();
      this.resolveExited = null;
    }
  }

  toString(): string {
    return `<ThreadPoolExecutor ${this.prefix} workers=${this.live.size}/${this.maxWorkers} queued=${this.queue.length}${this.shutDown ? " shutdown" : ""}>`;
  }
}

/** Reports a worker fault where `job` asked (its loop's exception handler), else on the console. */
function report(job: Job | null, context: { message: string; exception?: unknown }): void {
  const to = job?.report ?? null;
  if (to !== null) {
    try {
      to(context);
      return;
    } catch {
      /* the loop is gone: print it */
    }
  }
  console.error(
    `${context.message}${context.exception === undefined ? "" : `\n${String((context.exception as Error)?.stack ?? context.exception)}`}`,
  );
}

function finish(job: Job, status: JobStatus, value: unknown): void {
  const done = job.done;
  if (done === null) return;
  job.done = null;
  done(status, value);
}
