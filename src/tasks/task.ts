// Task: a Future that drives a coroutine — asyncio.Task's stepping, waking and cancellation.
//
// A step resumes the generator (`next()`, or `throw(exc)` to deliver an exception such as
// CancelledError at its suspension point) and looks at what it yielded: a Future of the same loop
// means "wake me when it is done" (the task registers itself as the future's done callback and
// its `_wakeStep` runs the next step); `undefined` means "one more pass"; anything else is thrown
// back into the coroutine as a TypeError. When the generator returns, the task's result is set;
// when it throws, its exception (or, for CancelledError, the task is cancelled). Two methods take
// a step: `_resume` for the common case (root coroutine, resumed with nothing, no cancellation to
// deliver), small enough for V8 to inline into the loop's pass, and `_step` for every case. Both
// go on in `_advance`, the body of a step: `_step` always, `_resume` for anything but a wait.
//
// Cancellation (asyncio 3.11+): `cancel(msg)` counts the request, cancels the awaited future if
// there is one (the task then wakes with that future's CancelledError), and otherwise makes the
// next step throw CancelledError(msg). `uncancel()` takes a request back.
//
// Invariants: a pending task has exactly one way forward at any time: a step on the ready
// queue, or a done callback on `_futWaiter`. Live tasks are linked into their loop's task list.

import { CancelledError, InvalidStateError, cheapCancelledError, isExitException } from "../errors.js";
import type { EventLoop } from "../loop/event-loop.js";
import { describe } from "../checks.js";
import { generatorNext, generatorThrow, isCoroutine, takeCoroutine, type Coroutine } from "./coroutine.js";
import { AWAIT_CALL, AWAIT_FOREIGN, AWAIT_OWN, CANCELLED, FINISHED, Future, PENDING } from "./future.js";
import { CallFuture } from "./call.js";
import { addShapeMaker } from "../loop/shapes.js";
import { abortTaskSignal, cancelOnAbort, isAbortSignal, signalsIssued, taskSignal } from "./task-signal.js";
import { REUSED, isFinished, markFinished } from "./debug-coroutines.js";
import { debugEverOn } from "../loop/debug.js";
import { coroutineFrame, formatFrame, runningFrames, type Frame } from "./frames.js";
import {
  captureContext,
  contextsOn,
  enterContextOf,
  leaveContext,
  whenContextsOn,
  type Context,
} from "../loop/context.js";

export interface TaskOptions {
  /** The task's name (default "Task-N"). */
  name?: string;
  /** Cancels the task when it aborts (at once if it already has). */
  signal?: AbortSignal;
  /** The context the task runs in (default: a copy of the current one). */
  context?: Context;
  /**
   * Runs the first step at once, inside the constructor, when the loop is running (asyncio's
   * eager_start): a coroutine that finishes without suspending is done before createTask returns.
   */
  eagerStart?: boolean;
}

let taskCounter = 0;

export class Task<T = unknown> extends Future<T> {
  /** @internal */ _coro: Coroutine<T>;
  /** @internal `_coro` resumes through the intrinsic generator methods (see resumesNatively). */
  _native: boolean;
  /** @internal */ _name: string | null;
  /** @internal */ _nameNumber: number;
  /** @internal The future this task waits on, if any. */
  _futWaiter: Future<unknown> | null = null;
  /** @internal The innermost sub-coroutine run through call(), or null. */
  _top: CallFuture<unknown> | null = null;
  /** @internal */ _mustCancel = false;
  /** @internal */ _numCancelsRequested = 0;
  /** @internal An exception the next step throws into the coroutine. */
  _pendingExc: unknown = undefined;
  /** @internal Links in the loop's list of live tasks. */
  _prevTask: { _nextTask: Task<unknown> | null } | null = null;
  /** @internal */ _nextTask: Task<unknown> | null = null;
  /** @internal The step run when an awaited future is done (see Future's scheduleOne). */
  readonly _wakeStep = wakeStep;
  /**
   * @internal The intrinsic generator methods, on the prototype (set below): loaded from there,
   * V8 knows the function called and calls it directly.
   */
  declare readonly _genNext: typeof generatorNext;
  /** @internal */ declare readonly _genThrow: typeof generatorThrow;

  constructor(coro: Coroutine<T>, loop?: EventLoop, options?: TaskOptions) {
    if (!isCoroutine(coro)) throw new TypeError(`a coroutine (generator object) was expected, got ${describe(coro)}`);
    super(loop);
    this._coro = coro;
    this._native = takeCoroutine(coro);
    this._name = options === undefined ? null : checkedName(options);
    if (options !== undefined || contextsOn || debugEverOn) this._setUp(options);
    this._nameNumber = ++taskCounter;
    const list = this._loop._tasks;
    const head = list._nextTask;
    this._prevTask = list;
    this._nextTask = head;
    if (head !== null) head._prevTask = this;
    list._nextTask = this as Task<unknown>;
    if (options?.eagerStart === true && this._loop.isRunning()) this._step(undefined, false);
    else this._loop._soon(firstStep, this);
  }

  /**
   * @internal What only some tasks need at creation, before the task is linked and scheduled:
   * debug checks, a context, a signal (kept out of the constructor, which is hot).
   */
  _setUp(options: TaskOptions | undefined): void {
    if (this._loop.getDebug() && isFinished(this._coro))
      throw new Error(`${REUSED}: a task already ran it to completion`);
    if (contextsOn) captureContext(this, options?.context);
    const signal = options?.signal;
    if (signal !== undefined) {
      if (!isAbortSignal(signal)) throw new TypeError(`task signal must be an AbortSignal, got ${describe(signal)}`);
      cancelOnAbort(this as Task<unknown>, signal);
    }
  }

  /**
   * An AbortSignal that aborts when this task is cancelled (at the request; the reason is a
   * CancelledError) or done, whichever comes first: hand it to fetch() and other signal-aware APIs.
   */
  getSignal(): AbortSignal {
    return taskSignal(this as Task<unknown>);
  }

  getName(): string {
    return this._name ?? `Task-${this._nameNumber}`;
  }

  setName(name: string): void {
    let text: string;
    try {
      text = String(name);
    } catch {
      throw new TypeError("a task name must convert to a string");
    }
    this._name = text;
  }

  getCoro(): Coroutine<T> {
    return this._coro;
  }

  /**
   * The task's frames, outermost first (Python's get_stack): for the running task, its functions
   * on the JS stack; for a suspended one, its root coroutine and those it runs through `call()`
   * (see frames.ts for what JavaScript lets us see). `limit` keeps the innermost ones.
   */
  getStack(options?: { limit?: number }): Frame[] {
    return this._frames(options?.limit, 1);
  }

  /** @internal getStack's work; `skip` frames of the caller's own are left out. */
  _frames(limit: number | undefined, skip: number): Frame[] {
    if (limit !== undefined && (typeof limit !== "number" || !(limit >= 0)))
      throw new RangeError(`limit must be a non-negative number, got ${limit}`);
    let frames: Frame[];
    if (this._state !== PENDING) frames = [];
    else if (this._loop._currentTask === (this as unknown)) frames = runningFrames(skip + 1).reverse();
    else {
      frames = [coroutineFrame(this._coro)];
      const calls: Frame[] = [];
      for (let c = this._top; c !== null; c = c._below) calls.push(coroutineFrame(c._gen));
      frames.push(...calls.reverse());
    }
    return limit === undefined ? frames : frames.slice(Math.max(0, frames.length - limit));
  }

  /** Prints `getStack()` with a header naming the task (Python's print_stack); `write` defaults to console.error. */
  printStack(options?: { limit?: number; write?: (text: string) => void }): void {
    const frames = this._frames(options?.limit, 1);
    const lines = [frames.length === 0 ? `No stack for ${this}` : `Stack for ${this} (most recent call last):`];
    for (const f of frames) lines.push(`  ${formatFrame(f)}`);
    if (this._futWaiter !== null) lines.push(`  awaiting ${this._futWaiter}`);
    (options?.write ?? console.error)(lines.join("\n"));
  }

  /** How many cancellation requests are outstanding. */
  cancelling(): number {
    return this._numCancelsRequested;
  }

  /** Takes back one cancellation request; returns how many remain. */
  uncancel(): number {
    if (this._numCancelsRequested > 0) {
      this._numCancelsRequested--;
      if (this._numCancelsRequested === 0) this._mustCancel = false;
    }
    return this._numCancelsRequested;
  }

  /**
   * Requests cancellation: CancelledError(msg) is thrown into the coroutine at its next
   * resumption. Returns false if the task is already done.
   */
  override cancel(msg?: string): boolean {
    if (this._unretrieved !== null) this._retrieved(); // as Future.cancel
    if (this._state !== PENDING) return false;
    this._numCancelsRequested++;
    if (signalsIssued()) abortTaskSignal(this as Task<unknown>, msg);
    const waiter = this._futWaiter;
    if (waiter?.cancel(msg)) return true;
    this._mustCancel = true;
    this._cancelMessage = msg;
    return true;
  }

  override setResult(_value: T): never {
    throw new Error("Task does not support setResult()");
  }

  override setException(_exception: unknown): never {
    throw new Error("Task does not support setException()");
  }

  /** @internal Runs one step: resume the coroutine, then act on what it yielded or returned. */
  _step(exc: unknown, throwing: boolean): void {
    if (this._state !== PENDING) throw new InvalidStateError(`_step(): already done: ${this}`);
    if (this._mustCancel) {
      // A fresh error each time: a coroutine that swallowed one cancellation must see the
      // message of the next (asyncio clears its saved CancelledError once used).
      if (!(exc instanceof CancelledError)) exc = cheapCancelledError(this._cancelMessage);
      throwing = true;
      this._mustCancel = false;
    }
    this._futWaiter = null;
    const loop = this._loop;
    loop._steps++;
    const prevTask = loop._currentTask;
    loop._currentTask = this as Task<unknown>;
    this._advance(exc, throwing, undefined, prevTask);
  }

  /**
   * @internal The common step, taken when nothing unusual is pending: the task runs its own
   * coroutine (no call() on its stack), natively, with no cancellation to deliver, and is resumed
   * with nothing (its awaited future finished with a result, or it yielded for one pass). It does
   * what `_step` does, and hands anything but "waits on another pending future of this loop" to
   * `_advance`. Small enough for V8 to inline into the loop's pass, which `_step` is not.
   */
  _resume(): void {
    this._futWaiter = null;
    const loop = this._loop;
    loop._steps++;
    const prevTask = loop._currentTask;
    loop._currentTask = this as Task<unknown>;
    let r: IteratorResult<Future<unknown> | undefined, unknown>;
    try {
      r = this._genNext.call(this._coro);
    } catch (e) {
      if (prevTask === null) loop._currentTask = null;
      else loop._currentTask = prevTask;
      this._endWithError(e);
      return;
    }
    if (!r.done) {
      const y = r.value;
      if (
        y instanceof Future &&
        y._awaitKind === AWAIT_OWN &&
        y._state === PENDING &&
        y._loop === loop &&
        y !== (this as unknown)
      ) {
        if (prevTask === null) loop._currentTask = null;
        else loop._currentTask = prevTask;
        y._addCallback(this);
        this._futWaiter = y;
        if (this._mustCancel && y.cancel(this._cancelMessage)) this._mustCancel = false;
        return;
      }
    }
    this._advance(undefined, false, r, prevTask);
  }

  /**
   * @internal The body of a step, with the task current: resume the innermost coroutine (unless
   * `first` is what it already gave), run the calls it makes through call() on the task's own
   * stack, and act on what the step ended with. Restores `prevTask` as the current task.
   */
  _advance(
    exc: unknown,
    throwing: boolean,
    first: IteratorResult<Future<unknown> | undefined, unknown> | undefined,
    prevTask: Task<unknown> | null,
  ): void {
    const loop = this._loop;
    // Resume the innermost coroutine; calls (CallFuture) push and pop the task's own stack
    // within this one step, as native yield* would, until something suspends or the root ends.
    let top = this._top;
    let r = first;
    let isFuture = false; // what the coroutine yielded is a Future
    for (;;) {
      if (r === undefined) {
        let gen: Coroutine<unknown>;
        let native: boolean;
        if (top === null) {
          gen = this._coro;
          native = this._native;
        } else {
          gen = top._gen;
          native = top._native;
        }
        try {
          if (native) r = throwing ? this._genThrow.call(gen, exc) : this._genNext.call(gen);
          else r = throwing ? gen.throw(exc) : gen.next();
        } catch (e) {
          if (top !== null) {
            top = this._popCall(top, e, true);
            exc = e;
            throwing = true;
            continue;
          }
          if (prevTask === null)
            loop._currentTask = null; // a constant store: no write barrier
          else loop._currentTask = prevTask;
          this._endWithError(e);
          return;
        }
      }
      if (r.done) {
        if (top === null) break;
        top = this._popCall(top, r.value, false);
        throwing = false;
        r = undefined;
        continue;
      }
      const y = r.value;
      if (y instanceof Future) {
        const kind = y._awaitKind;
        if (kind !== AWAIT_OWN) {
          if (
            kind === AWAIT_CALL &&
            (y as CallFuture<unknown>)._runner === null &&
            y._state === PENDING &&
            y._loop === loop
          ) {
            const c = y as CallFuture<unknown>;
            c._runner = this;
            c._below = top;
            this._top = top = c;
            throwing = false;
            r = undefined;
            continue;
          }
          if (kind === AWAIT_FOREIGN) break; // not isFuture: awaited through its addDoneCallback
        }
        isFuture = true;
      }
      break;
    }
    if (prevTask === null) loop._currentTask = null;
    else loop._currentTask = prevTask;
    if (r.done) {
      if (this._mustCancel) {
        this._mustCancel = false;
        Future.prototype.cancel.call(this, this._cancelMessage);
      } else {
        Future.prototype.setResult.call(this, r.value as T);
      }
      if (debugEverOn && loop.getDebug()) markFinished(this._coro);
      return;
    }
    const yielded = r.value;
    if (yielded === undefined) {
      loop._soon(firstStep, this);
    } else if (isFuture) {
      if (yielded!._loop !== loop) {
        this._throwNext(new Error(`Task ${this} got Future ${yielded} attached to a different loop`));
      } else if (yielded === (this as unknown)) {
        this._throwNext(new Error(`Task cannot await on itself: ${this}`));
      } else if (yielded._state !== PENDING) {
        loop._soon(wakeStepOn, [this, yielded]);
      } else {
        yielded._addCallback(this);
        this._futWaiter = yielded;
        if (this._mustCancel && yielded.cancel(this._cancelMessage)) this._mustCancel = false;
      }
    } else {
      this._yieldedOther(yielded);
    }
  }

  /** @internal The coroutine threw `e`: the task ends cancelled or failed; KeyboardInterrupt and SystemExit go on up. */
  _endWithError(e: unknown): void {
    if (e instanceof CancelledError) {
      this._cancelledExc = e;
      Future.prototype.cancel.call(this);
      return;
    }
    Future.prototype._fail.call(this, e);
    if (isExitException(e)) {
      this._retrieved(); // it is not lost: it escapes the loop
      throw e;
    }
  }

  /** @internal The coroutine yielded something other than nothing or a wasio future. */
  _yieldedOther(yielded: unknown): void {
    if (isFutureLike(yielded)) this._waitForeign(yielded as Future<unknown>);
    else
      this._throwNext(
        new TypeError(`Task got bad yield: ${describe(yielded)} (yield* a Future or coroutine, or yield nothing)`),
      );
  }

  /**
   * @internal Waits on a future that is not one of wasio's own (a duck-typed one, or a subclass
   * with its own addDoneCallback) through its public `addDoneCallback`, as asyncio does.
   */
  _waitForeign(fut: Future<unknown>): void {
    const loop = this._loop;
    let other: unknown;
    try {
      other = fut.getLoop();
    } catch (e) {
      this._throwNext(e);
      return;
    }
    if (other !== loop) {
      this._throwNext(new Error(`Task ${this} got Future ${fut} attached to a different loop`));
      return;
    }
    if (fut === (this as unknown)) {
      this._throwNext(new Error(`Task cannot await on itself: ${this}`));
      return;
    }
    this._futWaiter = fut;
    fut.addDoneCallback(foreignWaker(this as Task<unknown>, fut));
    if (this._mustCancel && fut.cancel(this._cancelMessage)) this._mustCancel = false;
  }

  /** @internal Ends the call on top of the stack with a result or an error; returns the new top. */
  _popCall(top: CallFuture<unknown>, value: unknown, failed: boolean): CallFuture<unknown> | null {
    const below = top._below;
    this._top = below;
    top._below = null;
    if (top._state !== PENDING) return below; // cancel() refuses in-stack calls; be safe anyway
    if (failed) {
      top._exception = value;
      top._failed = true;
    } else {
      top._result = value;
    }
    top._state = FINISHED;
    top._scheduleCallbacks();
    return below;
  }

  /** @internal Schedules a step that throws `exc` into the coroutine. */
  _throwNext(exc: unknown): void {
    this._pendingExc = exc;
    this._loop._soon(throwStep, this);
  }

  /** @internal Wakes after `fut` is done: a normal step, or one that throws its exception. */
  _wakeup(fut: Future<unknown>): void {
    if (fut._state === FINISHED && !fut._failed) {
      this._step(undefined, false);
    } else if (fut._state === CANCELLED) {
      this._step(fut._makeCancelledError(), true);
    } else {
      fut._retrieved();
      this._step(fut._exception, true);
    }
  }

  override _scheduleCallbacks(): void {
    const prev = this._prevTask;
    if (prev !== null) {
      const next = this._nextTask;
      prev._nextTask = next;
      if (next !== null) next._prevTask = prev;
      this._prevTask = null;
      this._nextTask = null;
    }
    super._scheduleCallbacks();
  }

  override _kind(): string {
    return "Task";
  }

  override _stateName(): string {
    return this._numCancelsRequested > 0 && this._state === PENDING ? "cancelling" : super._stateName();
  }

  override _describe(): string {
    return ` name=${JSON.stringify(this.getName())}`;
  }
}

(Task.prototype as { _genNext: typeof generatorNext })._genNext = generatorNext;
(Task.prototype as { _genThrow: typeof generatorThrow })._genThrow = generatorThrow;

/**
 * @internal A task step (the callback `fn` with `arg`, from the ready queue) threw outside the
 * coroutine: making its CancelledError, describing what it yielded… The task then has no way
 * forward, so it fails with that exception instead of staying pending forever. Returns false
 * when `fn` is not a task step or the task still has a way forward.
 */
export function failStrandedTask(fn: unknown, arg: unknown, exception: unknown): boolean {
  if (fn !== firstStep && fn !== throwStep && fn !== wakeStep && fn !== wakeStepOn) return false;
  const task = (fn === wakeStepOn ? (arg as [Task<unknown>])[0] : arg) as Task<unknown>;
  if (task._state !== PENDING || task._futWaiter !== null) return false;
  if (task._loop._currentTask === task) task._loop._currentTask = null;
  task._mustCancel = false;
  Future.prototype._fail.call(task, exception);
  return true;
}

/** The name option, checked (with the options object). */
function checkedName(options: TaskOptions): string | null {
  if (options === null || typeof options !== "object")
    throw new TypeError(`task options must be an object, got ${describe(options)}`);
  const name = options.name;
  if (name !== undefined && typeof name !== "string")
    throw new TypeError(`task name must be a string, got ${describe(name)}`);
  return name ?? null;
}

/** A step scheduled for a task that is done (someone called Future's setResult on it) is an error, reported once. */
export function firstStep(task: Task<unknown>): void {
  if (task._state === PENDING && task._top === null && task._native && !task._mustCancel) task._resume();
  else task._step(undefined, false);
}

/** The done callback that wakes `task` when the foreign future `fut` it waits on is done. */
function foreignWaker(task: Task<unknown>, fut: Future<unknown>): (f: unknown) => void {
  return () => {
    if (task._futWaiter !== fut || task._state !== PENDING) return;
    let exc: unknown;
    let failed = false;
    try {
      fut.result();
    } catch (e) {
      exc = e;
      failed = true;
    }
    task._step(exc, failed);
  };
}

/**
 * True for an object that follows asyncio's future protocol (asyncio.isfuture): a wasio Future, or
 * anything with `getLoop`, `addDoneCallback`, `done`, `result`, `exception` and `cancel` methods.
 */
export function isFutureLike(x: unknown): boolean {
  if (x instanceof Future) return true;
  if (x === null || typeof x !== "object") return false;
  const f = x as Record<string, unknown>;
  return (
    typeof f.getLoop === "function" &&
    typeof f.addDoneCallback === "function" &&
    typeof f.done === "function" &&
    typeof f.result === "function" &&
    typeof f.exception === "function" &&
    typeof f.cancel === "function"
  );
}

function throwStep(task: Task<unknown>): void {
  const exc = task._pendingExc;
  task._pendingExc = undefined;
  if (task._state === PENDING) task._step(exc, true);
}

export function wakeStep(task: Task<unknown>): void {
  const fut = task._futWaiter;
  if (fut === null || task._state !== PENDING) return;
  if (fut._state !== FINISHED || fut._failed) task._wakeup(fut);
  else if (task._top === null && task._native && !task._mustCancel) task._resume();
  else task._step(undefined, false);
}

function wakeStepOn(pair: [Task<unknown>, Future<unknown>]): void {
  if (pair[0]._state === PENDING) pair[0]._wakeup(pair[1]);
}

// Once the program uses context variables, every step runs in its task's context: the step is
// wrapped then (once), so programs that never use them pay nothing per step.
whenContextsOn(() => {
  const step = Task.prototype._step;
  const resume = Task.prototype._resume;
  Task.prototype._step = function stepInContext(this: Task<unknown>, exc: unknown, throwing: boolean): void {
    const prev = enterContextOf(this);
    try {
      step.call(this, exc, throwing);
    } finally {
      leaveContext(prev);
    }
  };
  Task.prototype._resume = function resumeInContext(this: Task<unknown>): void {
    const prev = enterContextOf(this);
    try {
      resume.call(this);
    } finally {
      leaveContext(prev);
    }
  };
});

function* shapeCoroutine(): Coroutine<void> {}

// Twins for loop/shapes.ts: a Task (which does not use up a task number), a Future and a
// CallFuture (their coroutines never run).
addShapeMaker((loop) => {
  const counter = taskCounter;
  const task = new Task(shapeCoroutine(), loop);
  taskCounter = counter;
  return [task, new Future(loop), new CallFuture(shapeCoroutine(), loop)];
});
