// TaskGroup: structured concurrency — asyncio.TaskGroup with CPython 3.13's cancellation rules.
//
//   yield* asyncWith(new TaskGroup(), function* (tg) {
//     tg.createTask(child1());
//     tg.createTask(child2());
//   });                                   // returns once every child is done
//
// The group belongs to the task that enters it (the parent). Leaving the body waits for every
// child; children may add children meanwhile. The first child to fail aborts the group: every other
// child is cancelled, and so is the parent (so the body stops at its next await) — with one
// cancellation request that the group takes back (`uncancel`) on exit. The group then throws an
// ExceptionGroup of the children's failures in completion order, followed by the body's own error
// if it raised one. Without failures, an error raised by the body also aborts the group and then
// propagates as part of the ExceptionGroup; a CancelledError of the body (the parent was cancelled
// from outside) aborts the group and propagates unchanged once the children are done.
//
// KeyboardInterrupt and SystemExit, from a child or from the body, are re-raised as they are once
// the children are done, never inside a group; a base exception of another kind in the list makes
// the group a BaseExceptionGroup.
//
// Cancellation counts stay balanced, so groups nest and work inside a timeout: a cancellation of
// the parent that did not come from this group always survives it (if it arrived together with a
// child failure, the ExceptionGroup wins and the parent is left with its request pending, to be
// delivered at its next await).
//
// Once the group is aborting, or finished, createTask refuses new tasks (Error) and closes the
// coroutine without running it. Children are watched through their `_owner` slot and one shared
// done callback; the live children are kept in a Set (any of them may finish first, and an abort
// must reach the rest).

import { BaseExceptionGroup, CancelledError, isExitException } from "../errors.js";
import type { EventLoop } from "../loop/event-loop.js";
import { getRunningLoop } from "../loop/running.js";
import { describe } from "../checks.js";
import type { AsyncContextManager } from "./async-with.js";
import { isCoroutine, type Coroutine } from "./coroutine.js";
import { Future, PENDING } from "./future.js";
import { Task, type TaskOptions } from "./task.js";
import { addShapeMaker } from "../loop/shapes.js";

export class TaskGroup implements AsyncContextManager<TaskGroup> {
  /** @internal */ _entered = false;
  /** @internal aexit has started. */
  _exiting = false;
  /** @internal The children are being cancelled; no new ones. */
  _aborting = false;
  /** @internal */ _loop: EventLoop | null = null;
  /** @internal The task that entered the group. */
  _parentTask: Task<unknown> | null = null;
  /** @internal The group cancelled its parent (and must uncancel it on exit). */
  _parentCancelRequested = false;
  /** @internal Children not done yet. */
  readonly _tasks = new Set<Task<unknown>>();
  /** @internal Children's failures, in completion order. */
  _errors: unknown[] = [];
  /** @internal The first KeyboardInterrupt or SystemExit seen, re-raised as it is on exit. */
  _baseError: unknown = null;
  /** @internal What aexit awaits while children run. */
  _onCompletedFut: Future<boolean> | null = null;

  /** Starts `coro` as a child task of the group. */
  createTask<T>(coro: Coroutine<T>, options?: TaskOptions): Task<T> {
    if (!isCoroutine(coro)) throw new TypeError(`a coroutine (generator object) was expected, got ${describe(coro)}`);
    if (!this._entered) return refuse(coro, `TaskGroup ${this} has not been entered`);
    if (this._exiting && this._tasks.size === 0) return refuse(coro, `TaskGroup ${this} is finished`);
    if (this._aborting) return refuse(coro, `TaskGroup ${this} is shutting down`);
    const task = new Task<T>(coro, this._loop!, options);
    this._tasks.add(task as Task<unknown>);
    task._owner = this; // a new task: nobody watches it yet
    task._addCallback(childDone);
    return task;
  }

  *aenter(): Coroutine<TaskGroup> {
    if (this._entered) throw new Error(`${this} has already been entered`);
    const loop = getRunningLoop();
    const parent = loop._currentTask;
    if (parent === null) throw new Error(`${this} cannot determine the parent task`);
    this._loop = loop;
    this._parentTask = parent;
    this._entered = true;
    return this;
  }

  *aexit(error: unknown): Coroutine<boolean | void> {
    if (!this._entered || this._parentTask === null)
      throw new Error(`${this} was not entered (aenter), or has already been exited`);
    this._exiting = true;
    const parent = this._parentTask!;
    try {
      if (this._baseError === null && isExitException(error)) this._baseError = error;
      let propagateCancellation: unknown = error instanceof CancelledError ? error : null;
      // The body raised, or the parent is being cancelled: stop the children.
      if (error !== undefined && !this._aborting) this._abort();

      // Loop, because the parent may be cancelled (again) while we wait.
      while (this._tasks.size > 0) {
        this._onCompletedFut ??= new Future<boolean>(this._loop!);
        try {
          yield* this._onCompletedFut;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          if (!this._aborting) {
            // The parent was cancelled from outside while the children run.
            propagateCancellation = e;
            this._abort();
          }
        }
        this._onCompletedFut = null;
      }

      if (this._baseError !== null) throw this._baseError;

      // Take back the cancellation we sent the parent; without others pending, it is ours to swallow.
      if (this._parentCancelRequested && parent.uncancel() === 0) propagateCancellation = null;

      // A cancellation propagates unless there are errors: they take priority.
      if (propagateCancellation !== null && this._errors.length === 0) throw propagateCancellation;

      if (error !== undefined && !(error instanceof CancelledError)) this._errors.push(error);

      if (this._errors.length > 0) {
        // Keep an outside cancellation of the parent pending (its count unchanged) for its next await.
        if (parent.cancelling() > 0) {
          parent.uncancel();
          parent.cancel();
        }
        throw BaseExceptionGroup.of("unhandled errors in a TaskGroup", this._errors);
      }
    } finally {
      this._parentTask = null;
      this._errors = [];
    }
  }

  /** @internal Cancels every child still running; no new children from now on. */
  _abort(): void {
    this._aborting = true;
    for (const t of this._tasks) if (t._state === PENDING) t.cancel();
  }

  /** @internal A child is done. */
  _onTaskDone(task: Task<unknown>): void {
    this._tasks.delete(task);
    const waiting = this._onCompletedFut;
    if (waiting !== null && this._tasks.size === 0 && waiting._state === PENDING) waiting.setResult(true);
    if (task.cancelled()) return;
    const exc = task.exception();
    if (exc === null) return;
    this._errors.push(exc);
    if (this._baseError === null && isExitException(exc)) this._baseError = exc;
    const parent = this._parentTask!;
    if (parent.done()) {
      this._loop!.callExceptionHandler({
        message: `Task ${task} has errored out but its parent task ${parent} is already completed`,
        exception: exc,
        task,
      });
      return;
    }
    if (!this._aborting && !this._parentCancelRequested) {
      // Stop whatever the body is awaiting; aexit takes this request back.
      this._abort();
      this._parentCancelRequested = true;
      parent.cancel();
    }
  }

  toString(): string {
    const state = this._aborting ? " cancelling" : this._entered ? " entered" : "";
    return `<TaskGroup${state} tasks=${this._tasks.size}>`;
  }
}

function refuse(coro: Coroutine<unknown>, message: string): never {
  coro.return(undefined);
  throw new Error(message);
}

/** The shared done callback of every child: its group is in its `_owner` slot. */
function childDone(task: Task<unknown>): void {
  const group = task._owner as TaskGroup;
  task._owner = null;
  group._onTaskDone(task);
}

// A twin for loop/shapes.ts.
addShapeMaker(() => new TaskGroup());
