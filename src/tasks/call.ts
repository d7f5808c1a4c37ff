// call: await a sub-coroutine with O(1) resumption, whatever the depth.
//
// `yield* sub()` is native generator delegation: V8 resumes every frame of a yield* chain on
// every resumption, so a coroutine suspended 100 calls deep pays ~20 ns per level each time it
// wakes. `yield* call(sub())` instead hands `sub()` to the running Task, which keeps the chain as
// its own stack and resumes only the innermost generator; the outer frames stay parked until the
// sub-coroutine returns or throws, exactly as they would with a plain `yield*` (same values, same
// exceptions, same cancellation point, no extra loop pass).
//
// Limits: a CallFuture is driven by the task that first awaits it with `yield*`; awaited any
// other way (gather, wait, a done callback, `then`) it is run as a Task of its own.

import type { Coroutine } from "./coroutine.js";
import { isCoroutine, takeCoroutine } from "./coroutine.js";
import { AWAIT_CALL, Future, PENDING } from "./future.js";
import { getRunningLoop } from "../loop/running.js";
import type { EventLoop } from "../loop/event-loop.js";
import { describe } from "../checks.js";

/** The future of a sub-coroutine run on the awaiting task's own stack. */
export class CallFuture<T> extends Future<T> {
  /** @internal The sub-coroutine. */
  readonly _gen: Coroutine<T>;
  /** @internal `_gen` resumes through the intrinsic generator methods (see resumesNatively). */
  readonly _native: boolean;
  /** @internal The task running it, once claimed. */
  _runner: object | null = null;
  /** @internal The call below this one on the task's stack (null: the task's root coroutine). */
  _below: CallFuture<unknown> | null = null;
  /** @internal True when it runs as a task of its own (awaited other than by `yield*`). */
  _promoted = false;

  constructor(gen: Coroutine<T>, loop?: EventLoop) {
    super(loop ?? getRunningLoop());
    this._gen = gen;
    this._native = takeCoroutine(gen);
  }

  /** @internal Awaited other than by a task's `yield*`: run the sub-coroutine as a task. */
  override _addCallback(cb: ((fut: any) => void) | object): void {
    if (this._runner === null && this._state === PENDING) {
      const task = this._loop.createTask(this._gen);
      this._runner = task;
      this._promoted = true;
      const copy = Object.assign(() => copyOutcome(task, this), { _awaiter: this }); // _awaiter: for call graphs
      task._addCallback(copy);
    }
    super._addCallback(cb);
  }

  /**
   * Cancels the call: running as its own task, that task is cancelled (this future then ends
   * cancelled when it does); not started yet, the sub-coroutine is closed unrun; running on an
   * awaiting task's stack, it cannot be cancelled apart from that task (false), as a coroutine
   * awaited with `yield*` cannot.
   */
  override cancel(msg?: string): boolean {
    if (this._state !== PENDING) return false;
    if (this._promoted) return (this._runner as Future<T>).cancel(msg);
    if (this._runner !== null) return false;
    super.cancel(msg);
    this._gen.return(undefined as T);
    return true;
  }

  override _kind(): string {
    return "CallFuture";
  }
}

// The brand a task's step (Task._advance) tests instead of `instanceof CallFuture`.
(CallFuture.prototype as { _awaitKind: number })._awaitKind = AWAIT_CALL;

function copyOutcome<T>(from: Future<T>, to: Future<T>): void {
  if (to._state !== PENDING) return;
  if (from.cancelled()) {
    Future.prototype.cancel.call(to); // not CallFuture.cancel, which would ask the task again
    return;
  }
  try {
    to.setResult(from.result());
  } catch (e) {
    to._fail(e);
  }
}

/**
 * Awaits `coro` on the current task's own stack: `const v = yield* call(sub())`. Behaves like
 * `yield* sub()`, but a deep chain of calls resumes in constant time.
 */
export function call<T>(coro: Coroutine<T>): Future<T> {
  if (!isCoroutine(coro)) throw new TypeError(`call() needs a coroutine (generator object), got ${describe(coro)}`);
  return new CallFuture<T>(coro);
}
