// asCompleted: results in the order the awaitables finish — asyncio.as_completed (3.13).
//
//   for (const next of asCompleted(tasks, { timeout: 100 })) {
//     const result = yield* next;           // the earliest result not taken yet (or its error)
//   }
//
// At the call, coroutines become Tasks (they start at once) and every future gets a done callback
// that appends it to a FIFO of finished futures. The iterator hands out exactly one coroutine per
// distinct awaitable; each, when awaited, takes the next finished future from the FIFO (waiting
// for one if needed) and returns its result or throws its error. When the timeout passes, every
// coroutine not yet served throws TimeoutError; the unfinished awaitables are not cancelled.
//
// The coroutines may be awaited in any order and from different tasks: each takes whatever is
// next when it runs. A waiter cancelled after being woken passes its turn to the next waiter.
//
// Limits: the async-iterator form of asyncio (yielding the original futures) has no equivalent
// here, since coroutines are plain generators; `Promise.race`-like access is `wait(FIRST_COMPLETED)`.

import type { EventLoop } from "../loop/event-loop.js";
import type { Handle } from "../loop/handle.js";
import { getRunningLoop } from "../loop/running.js";
import { TimeoutError } from "../errors.js";
import { awaitableList, checkAwaitable, checkTimeout } from "./arguments.js";
import type { Awaitable, Coroutine } from "./coroutine.js";
import { ensureFuture } from "./ensure-future.js";
import { Future, PENDING } from "./future.js";

export interface AsCompletedOptions {
  /** After this many ms, the coroutines not yet served throw TimeoutError (null: never). */
  timeout?: number | null;
}

/** The iterator `asCompleted` returns: one coroutine per awaitable. */
export class AsCompletedIterator implements IterableIterator<Coroutine<unknown>> {
  /** @internal Futures not finished yet. */
  _todo: Set<Future<unknown>>;
  /** @internal Finished futures not handed out yet; null marks a timeout. */
  _done: (Future<unknown> | null)[] = [];
  /** @internal Coroutines waiting for `_done` to fill. */
  _getters: Future<void>[] = [];
  /** @internal Coroutines the iterator may still hand out. */
  _left: number;
  /** @internal */ _timer: Handle | null = null;
  /** @internal */ readonly _loop: EventLoop;
  private readonly onDone = (f: Future<unknown>): void => this._handleCompletion(f);

  /** @internal */
  constructor(todo: Set<Future<unknown>>, loop: EventLoop, timeout: number | null) {
    this._todo = todo;
    this._left = todo.size;
    this._loop = loop;
    for (const f of todo) f.addDoneCallback(this.onDone);
    if (todo.size > 0 && timeout !== null) this._timer = loop.callLater(timeout, handleTimeout, this);
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Coroutine<unknown>, undefined> {
    if (this._left === 0) return { value: undefined, done: true };
    this._left--;
    return { value: this._waitForOne(), done: false };
  }

  /** @internal */
  _handleCompletion(f: Future<unknown>): void {
    if (!this._todo.delete(f)) return; // the timeout came first
    this._put(f);
    if (this._todo.size === 0) {
      this._timer?.cancel();
      this._timer = null;
    }
  }

  /** @internal */
  _handleTimeout(): void {
    this._timer = null;
    for (const f of this._todo) {
      f.removeDoneCallback(this.onDone);
      this._put(null);
    }
    this._todo.clear();
  }

  private _put(f: Future<unknown> | null): void {
    this._done.push(f);
    this._wakeNext();
  }

  private _wakeNext(): void {
    const getters = this._getters;
    while (getters.length > 0) {
      const g = getters.shift()!;
      if (g._state === PENDING) {
        g.setResult(undefined);
        return;
      }
    }
  }

  private *_waitForOne(): Coroutine<unknown> {
    while (this._done.length === 0) {
      const getter = new Future<void>(this._loop);
      this._getters.push(getter);
      try {
        yield* getter;
      } catch (error) {
        getter.cancel();
        const i = this._getters.indexOf(getter);
        if (i >= 0) this._getters.splice(i, 1);
        // Woken but cancelled before taking a future: let the next waiter have it.
        if (this._done.length > 0 && !getter.cancelled()) this._wakeNext();
        throw error;
      }
    }
    const f = this._done.shift()!;
    if (f === null) throw new TimeoutError();
    return f.result();
  }
}

function handleTimeout(it: AsCompletedIterator): void {
  it._handleTimeout();
}

/** Coroutines that give the results of `aws` in completion order (see the file's comment). */
export function asCompleted(aws: Iterable<Awaitable<unknown>>, options?: AsCompletedOptions): AsCompletedIterator {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError("asCompleted() options must be an object");
  }
  const timeout = options?.timeout ?? null;
  checkTimeout(timeout, "timeout");
  const list = awaitableList(aws, "asCompleted()");
  let loop: EventLoop | undefined;
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    checkAwaitable(a, `asCompleted() argument ${i}`);
    if (a instanceof Future) {
      if (loop === undefined) loop = a._loop;
      else if (a._loop !== loop) throw new RangeError(`asCompleted(): argument ${i} belongs to a different event loop`);
    }
  }
  if (loop === undefined || list.some((a) => !(a instanceof Future))) {
    const running = getRunningLoop();
    if (loop !== undefined && loop !== running)
      throw new RangeError("asCompleted(): the futures belong to a different event loop than the running one");
    loop = running;
  }
  const seen = new Set<unknown>();
  const todo = new Set<Future<unknown>>();
  for (const a of list) {
    if (seen.has(a)) continue;
    seen.add(a);
    todo.add(ensureFuture(a as Awaitable<unknown>, loop));
  }
  return new AsCompletedIterator(todo, loop, timeout);
}
