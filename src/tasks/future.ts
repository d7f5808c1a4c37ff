// Future: a result that will exist later — asyncio.Future's states, rules and callback order.
//
// A Future is PENDING, then either FINISHED (with a result or an exception) or CANCELLED. Done
// callbacks run through the loop's ready queue, in the order they were added, one pass after the
// future is done. `result()` and `exception()` follow asyncio: InvalidStateError while pending,
// CancelledError after a cancel; retrieving an exception (by either, by awaiting, or by `then`)
// stops the "never retrieved" report, which otherwise comes when the future is garbage collected
// or, at the latest, when its loop closes.
//
// Awaiting: a Future is iterable. Its iterator is stateless — `next()` yields the future while it
// is pending and returns its result (or throws its exception) once done — so one object serves
// every awaiter, and `yield* fut` suspends a Task exactly until the future is done.

import { CancelledError, InvalidStateError, cheapCancelledError } from "../errors.js";
import type { EventLoop, Step } from "../loop/event-loop.js";
import { getRunningLoop } from "../loop/running.js";
import { checkCallback, checkLoopArg } from "../checks.js";

export const PENDING = 0;
export const CANCELLED = 1;
export const FINISHED = 2;

/** A failure nobody has looked at yet; held apart from its future so the future can be collected. */
export interface Unretrieved {
  loop: EventLoop;
  exception: unknown;
  what: string;
  futureText: string;
}

const unretrievedRegistry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Unretrieved>((u) => reportUnretrieved(u))
    : null;

/** Reports a failure nobody retrieved (once). */
export function reportUnretrieved(u: Unretrieved): void {
  if (!u.loop._unretrieved.delete(u)) return;
  u.loop.callExceptionHandler({
    message: `${u.what} exception was never retrieved`,
    exception: u.exception,
    future: u.futureText,
  });
}

type DoneCallback = (fut: any) => void;

export class Future<T = unknown> implements PromiseLike<T>, Iterable<Future<unknown> | undefined> {
  // The fields are set in the constructor, not by field initializers: V8 does not inline a base
  // constructor that has initializers into its subclasses' (a Task would then pay a full call to
  // make its Future part).
  /** @internal */ declare _state: number;
  /** @internal */ declare _result: T | undefined;
  /** @internal */ declare _exception: unknown;
  /** @internal */ declare _failed: boolean;
  /** @internal */ declare _cancelMessage: string | undefined;
  /** @internal The CancelledError that ended a task, kept so result() rethrows it. */
  declare _cancelledExc: CancelledError | null;
  /** @internal First done callback (most futures have one), then the rest. */
  declare _cb0: DoneCallback | object | null;
  /** @internal */ declare _cbs: (DoneCallback | object)[] | null;
  /** @internal */ declare _unretrieved: Unretrieved | null;
  /**
   * @internal The combinator (a gather, a TaskGroup) that watches this future through one shared
   * done callback, which finds its state here instead of in a closure; null when none does.
   */
  declare _owner: object | null;
  /** @internal Set once, by the constructor. */ declare _loop: EventLoop;
  /** @internal The loop's step count when this future last yielded itself while pending. */
  declare _yieldedAt: number;
  /**
   * @internal How a Task awaits this future (a prototype property: one load tells a CallFuture,
   * a wasio future, and a subclass with its own addDoneCallback apart): AWAIT_OWN, AWAIT_CALL
   * or AWAIT_FOREIGN.
   */
  declare readonly _awaitKind: number;

  constructor(loop?: EventLoop) {
    checkLoopArg(loop);
    this._state = PENDING;
    this._result = undefined;
    this._exception = undefined;
    this._failed = false;
    this._cancelMessage = undefined;
    this._cancelledExc = null;
    this._cb0 = null;
    this._cbs = null;
    this._unretrieved = null;
    this._owner = null;
    this._loop = loop ?? getRunningLoop();
    this._yieldedAt = -1;
    if (this.addDoneCallback !== ownAddDoneCallback) classify(Object.getPrototypeOf(this));
  }

  getLoop(): EventLoop {
    return this._loop;
  }

  done(): boolean {
    return this._state !== PENDING;
  }

  cancelled(): boolean {
    return this._state === CANCELLED;
  }

  /** The result; throws the exception, CancelledError if cancelled, InvalidStateError if pending. */
  result(): T {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state === PENDING) throw new InvalidStateError("Result is not ready.");
    if (this._failed) {
      this._retrieved();
      throw this._exception;
    }
    return this._result as T;
  }

  /** The exception (null after a normal end); throws as `result()` does while pending or cancelled. */
  exception(): unknown | null {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state === PENDING) throw new InvalidStateError("Exception is not set.");
    if (!this._failed) return null;
    this._retrieved();
    return this._exception;
  }

  setResult(value: T): void {
    if (this._state !== PENDING) throw new InvalidStateError(`invalid state: ${this}`);
    this._result = value;
    this._state = FINISHED;
    this._scheduleCallbacks();
  }

  /**
   * @internal Finishes a pending future that has no result (an internal wake-up: a queue's
   * waiter), skipping setResult's checks.
   */
  _wake(): void {
    this._state = FINISHED;
    this._scheduleCallbacks();
  }

  setException(exception: unknown): void {
    if (exception === undefined || exception === null)
      throw new TypeError(`setException() needs an exception, got ${exception}`);
    this._fail(exception);
  }

  /**
   * @internal setException without the argument check: for thrown values handed on as they are
   * (a coroutine may `throw undefined`, a promise may reject with nothing).
   */
  _fail(exception: unknown): void {
    if (this._state !== PENDING) throw new InvalidStateError(`invalid state: ${this}`);
    this._exception = exception;
    this._failed = true;
    this._state = FINISHED;
    this._trackUnretrieved();
    this._scheduleCallbacks();
  }

  /** Cancels a pending future and schedules its callbacks; returns false if it was done. */
  cancel(msg?: string): boolean {
    if (this._unretrieved !== null) this._retrieved(); // asyncio: a cancel() silences the report, even when too late
    if (this._state !== PENDING) return false;
    this._state = CANCELLED;
    this._cancelMessage = msg;
    this._scheduleCallbacks();
    return true;
  }

  /** Calls `cb(future)` through the loop once the future is done (next pass if it is already). */
  addDoneCallback(cb: (fut: this) => unknown): void {
    checkCallback(cb);
    if (this._state !== PENDING) this._loop._soon(cb as Step, this);
    else this._addCallback(cb as DoneCallback);
  }

  /** Removes every registration of `cb`; returns how many there were. */
  removeDoneCallback(cb: (fut: this) => unknown): number {
    let removed = 0;
    if (this._cb0 === cb) {
      this._cb0 = null;
      removed++;
    }
    const rest = this._cbs;
    if (rest !== null) {
      const kept = rest.filter((c) => c !== cb);
      removed += rest.length - kept.length;
      this._cbs = kept.length > 0 ? kept : null;
    }
    return removed;
  }

  /** @internal Adds a callback: a function called with the future, or a Task to wake. */
  _addCallback(cb: DoneCallback | object): void {
    if (this._cb0 === null && this._cbs === null) this._cb0 = cb;
    else (this._cbs ??= []).push(cb);
  }

  /**
   * @internal Queues the done callbacks, in the order they were added. The second and later ones
   * are queued by a method of their own, so the common case (one waiting task) stays small enough
   * for V8 to inline wherever a future is finished.
   */
  _scheduleCallbacks(): void {
    const first = this._cb0;
    if (first !== null) {
      this._cb0 = null;
      scheduleOne(this._loop, first, this);
    }
    if (this._cbs !== null) this._scheduleRest();
  }

  /** @internal Queues the callbacks after the first. */
  _scheduleRest(): void {
    const rest = this._cbs!;
    this._cbs = null;
    for (let i = 0; i < rest.length; i++) scheduleOne(this._loop, rest[i], this);
  }

  /** @internal The error `result()` throws for a cancelled future. */
  _makeCancelledError(): CancelledError {
    if (this._cancelledExc !== null) return this._cancelledExc;
    return (this._cancelledExc = cheapCancelledError(this._cancelMessage));
  }

  /** @internal */
  _trackUnretrieved(): void {
    const u: Unretrieved = {
      loop: this._loop,
      exception: this._exception,
      what: this._kind(),
      futureText: String(this),
    };
    this._unretrieved = u;
    this._loop._unretrieved.add(u);
    unretrievedRegistry?.register(this, u, u);
  }

  /** @internal Marks the exception as seen: no "never retrieved" report. */
  _retrieved(): void {
    const u = this._unretrieved;
    if (u === null) return;
    this._unretrieved = null;
    u.loop._unretrieved.delete(u);
    unretrievedRegistry?.unregister(u);
  }

  /** @internal "Future" or "Task", for messages. */
  _kind(): string {
    return "Future";
  }

  [Symbol.iterator](): Iterator<Future<unknown> | undefined, T, unknown> {
    return this as unknown as Iterator<Future<unknown> | undefined, T, unknown>;
  }

  /**
   * @internal Iterator protocol for `yield*`: yields this future while pending, then its result.
   * As asyncio's `Future.__await__`, a pending future yields once per await: asked again with no
   * task step in between (spreading it, `Promise.all(fut)`, a loop over it), it throws instead
   * of yielding forever. A task only resumes an await once the future is done.
   */
  next(): IteratorResult<Future<unknown> | undefined, T> {
    if (this._state === PENDING) {
      const steps = this._loop._steps;
      if (this._yieldedAt === steps) {
        this._yieldedAt = -1; // a later, real await in this same step still yields
        throw new Error("await wasn't used with future");
      }
      this._yieldedAt = steps;
      return { value: this, done: false };
    }
    return { value: this.result(), done: true };
  }

  /** @internal Iterator protocol: an error thrown into `yield* fut` propagates unchanged. */
  throw(error: unknown): IteratorResult<Future<unknown> | undefined, T> {
    throw error;
  }

  /** @internal Iterator protocol: returning from the awaiting coroutine just ends the await. */
  return(value?: T): IteratorResult<Future<unknown> | undefined, T> {
    return { value: value as T, done: true };
  }

  /** Lets `await fut` work outside the loop: settles with the result, exception or CancelledError. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const settled = new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        try {
          resolve(this.result());
        } catch (e) {
          reject(e);
        }
      };
      if (this._state !== PENDING) settle();
      else this._addCallback(settle);
    });
    return settled.then(onFulfilled, onRejected);
  }

  toString(): string {
    const state = this._stateName();
    let extra = "";
    if (this._state === FINISHED)
      extra = this._failed ? ` exception=${describeValue(this._exception)}` : ` result=${describeValue(this._result)}`;
    return `<${this._kind()} ${state}${this._describe()}${extra}>`;
  }

  /** @internal The state word of toString. */
  _stateName(): string {
    return this._state === PENDING ? "pending" : this._state === CANCELLED ? "cancelled" : "finished";
  }

  /** @internal Extra words for toString (a task's name). */
  _describe(): string {
    return "";
  }
}

/** `_awaitKind`: a wasio future, awaited through the internal callback list. */
export const AWAIT_OWN = 0;
/** `_awaitKind`: a CallFuture, run on the awaiting task's own stack. */
export const AWAIT_CALL = 1;
/** `_awaitKind`: a subclass that overrides addDoneCallback, awaited through it. */
export const AWAIT_FOREIGN = 2;

/** Marks the prototype of a Future subclass that overrides addDoneCallback (when one of its instances is made). */
function classify(proto: Future<unknown>): void {
  if (!Object.hasOwn(proto, "_awaitKind")) (proto as { _awaitKind: number })._awaitKind = AWAIT_FOREIGN;
}

(Future.prototype as { _awaitKind: number })._awaitKind = AWAIT_OWN;
const ownAddDoneCallback = Future.prototype.addDoneCallback;

/** A Task waiting on a future is woken through its `_wakeup` step; plain callbacks get the future. */
function scheduleOne(loop: EventLoop, cb: DoneCallback | object, fut: Future<unknown>): void {
  if (typeof cb === "function") loop._soon(cb as Step, fut);
  else loop._soon((cb as { _wakeStep: Step })._wakeStep, cb);
}

function describeValue(v: unknown): string {
  try {
    // never throws: a hostile value (a Proxy, a throwing getter) is described by its type
    if (v instanceof Error) return `${v.name}(${JSON.stringify(v.message)})`;
    if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
    if (typeof v === "object" && v !== null) return String(v.constructor?.name ?? "object");
    return String(v);
  } catch {
    return typeof v;
  }
}
