// runCoroutineThreadsafe: asyncio.run_coroutine_threadsafe — submit a coroutine to a loop from
// code that runs outside it (a host callback, a promise continuation, another loop), and get a
// ConcurrentFuture (concurrent.futures.Future's part that makes sense here) for its outcome.
//
// The task is created on the loop's next pass (posted with callSoonThreadsafe, which wakes a
// waiting loop). cancel() marks the ConcurrentFuture cancelled at once and cancels the task on the
// loop; result()/exception() answer once it is done; `await cf` (it is a thenable) gives the
// result. A closed loop refuses the submission (callSoonThreadsafe throws).

import { CancelledError, InvalidStateError } from "../errors.js";
import { describe } from "../checks.js";
import type { EventLoop } from "../loop/event-loop.js";
import { isCoroutine, type Coroutine } from "./coroutine.js";
import type { Task } from "./task.js";

type State = "pending" | "cancelled" | "finished";

/** The outcome of a coroutine running on some loop, seen from outside it. */
export class ConcurrentFuture<T> implements PromiseLike<T> {
  private state: State = "pending";
  private value: T | undefined;
  private error: unknown = null;
  private failed = false;
  private readonly promise: Promise<T>;
  private settle!: [(v: T) => void, (e: unknown) => void];
  /** @internal Cancels the task on its loop. */
  _cancelTask: (() => void) | null = null;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.settle = [resolve, reject];
    });
    this.promise.catch(() => {}); // nobody awaiting is no unhandled rejection
  }

  done(): boolean {
    return this.state !== "pending";
  }

  cancelled(): boolean {
    return this.state === "cancelled";
  }

  /** Cancels: false once done; else marks this cancelled and cancels the task on its loop. */
  cancel(): boolean {
    if (this.state !== "pending") return false;
    this.state = "cancelled";
    this.settle[1](new CancelledError());
    this._cancelTask?.();
    return true;
  }

  /** The result; throws the coroutine's error, CancelledError, or InvalidStateError while pending. */
  result(): T {
    if (this.state === "pending") throw new InvalidStateError("Result is not ready.");
    if (this.state === "cancelled") throw new CancelledError();
    if (this.failed) throw this.error;
    return this.value as T;
  }

  /** The error (null for a result); throws CancelledError, or InvalidStateError while pending. */
  exception(): unknown {
    if (this.state === "pending") throw new InvalidStateError("Exception is not set.");
    if (this.state === "cancelled") throw new CancelledError();
    return this.error;
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.promise.then(onFulfilled, onRejected);
  }

  /** @internal The task finished. */
  _copy(task: Task<T>): void {
    if (this.state !== "pending") return;
    if (task.cancelled()) {
      this.cancel();
      return;
    }
    this.state = "finished";
    const e = task.exception();
    if (e !== null) {
      this.failed = true;
      this.error = e;
      this.settle[1](e);
    } else {
      this.value = task.result();
      this.settle[0](this.value);
    }
  }
}

/** Runs `coro` as a task of `loop`, from outside it; its outcome arrives in the ConcurrentFuture. */
export function runCoroutineThreadsafe<T>(coro: Coroutine<T>, loop: EventLoop): ConcurrentFuture<T> {
  if (!isCoroutine(coro)) throw new TypeError(`runCoroutineThreadsafe() needs a coroutine, got ${describe(coro)}`);
  if (loop === null || typeof loop !== "object" || typeof loop.callSoonThreadsafe !== "function")
    throw new TypeError(`runCoroutineThreadsafe() needs an event loop, got ${describe(loop)}`);
  const cf = new ConcurrentFuture<T>();
  loop.callSoonThreadsafe(() => {
    if (cf.cancelled()) {
      coro.return(undefined as T);
      return;
    }
    const task = loop.createTask(coro);
    cf._cancelTask = () => loop.callSoonThreadsafe(() => task.cancel());
    task.addDoneCallback(() => cf._copy(task));
  });
  return cf;
}
