// Debug mode's coroutine checks (asyncio's "coroutine … was never awaited", and "cannot reuse
// already awaited coroutine").
//
// In debug mode, the coroutines wasio's own API functions return (sleep, waitFor, wait,
// fromPromise, once, race, asyncWith) are wrapped in a TrackedCoroutine that records where it was
// made and whether anyone ever resumed it. One never resumed — the `yield*` in front of
// `sleep(10)` forgotten — is reported through the loop's exception handler when the loop closes
// (or earlier, when it is garbage collected). A TrackedCoroutine resumed after it finished throws.
// Tasks add the coroutines they run to completion to a weak set, and refuse to run one of them
// again (a Task or call() of a finished coroutine).
//
// Outside debug mode nothing is wrapped or recorded; hand-written ops (Queue.get, Queue.put)
// refuse a second run in every mode, at no cost. Limits: a coroutine of the program's own
// generator functions is seen only when it reaches a Task or call(); a plain `yield*` of a
// finished generator returns undefined, as JavaScript defines it.

import type { EventLoop } from "../loop/event-loop.js";
import { _getRunningLoop } from "../loop/running.js";
import type { Coroutine } from "./coroutine.js";

interface Record {
  loop: EventLoop;
  what: string;
  createdAt: string;
}

const unstartedByLoop = new WeakMap<EventLoop, Set<Record>>();
const registry = typeof FinalizationRegistry === "function" ? new FinalizationRegistry<Record>((r) => report(r)) : null;
const finished = new WeakSet<object>();

/** Message of the error a second run of a finished coroutine throws. */
export const REUSED = "cannot reuse already awaited coroutine";

/** In debug mode, wraps `coro` (made by the API function `what`) so a forgotten await is reported. */
export function tracked<T>(coro: Coroutine<T>, what: string): Coroutine<T> {
  const loop = _getRunningLoop();
  if (loop === null || !loop.getDebug()) return coro;
  return new TrackedCoroutine(coro, loop, what) as unknown as Coroutine<T>;
}

/** @internal Remembers a coroutine a task ran to completion (debug mode). */
export function markFinished(coro: object): void {
  finished.add(coro);
}

/** @internal True if a task already ran `coro` to completion (debug mode). */
export function isFinished(coro: object): boolean {
  return finished.has(coro);
}

function report(r: Record): void {
  const set = unstartedByLoop.get(r.loop);
  if (set === undefined || !set.delete(r)) return;
  r.loop.callExceptionHandler({ message: `coroutine ${r.what} was never awaited`, created_at: r.createdAt });
}

class TrackedCoroutine<T> {
  private record: Record | null;
  private done = false;

  constructor(
    private readonly inner: Coroutine<T>,
    loop: EventLoop,
    what: string,
  ) {
    const stack = (new Error().stack ?? "")
      .split("\n")
      .slice(3, 6)
      .map((l) => l.trim())
      .join(" < ");
    const record: Record = { loop, what: `${what}()`, createdAt: stack };
    this.record = record;
    let set = unstartedByLoop.get(loop);
    if (set === undefined) {
      unstartedByLoop.set(loop, (set = new Set()));
      loop._closeHooks.push(() => {
        for (const r of [...set!]) report(r);
      });
    }
    set.add(record);
    registry?.register(this, record, record);
  }

  private started(): void {
    const r = this.record;
    if (r === null) return;
    this.record = null;
    unstartedByLoop.get(r.loop)?.delete(r);
    registry?.unregister(r);
  }

  private step(f: () => IteratorResult<unknown, T>): IteratorResult<unknown, T> {
    if (this.done) throw new Error(`${REUSED} (${this})`);
    this.started();
    let r: IteratorResult<unknown, T>;
    try {
      r = f();
    } catch (e) {
      this.done = true;
      throw e;
    }
    if (r.done) this.done = true;
    return r;
  }

  next(v?: unknown): IteratorResult<unknown, T> {
    return this.step(() => this.inner.next(v));
  }

  throw(e: unknown): IteratorResult<unknown, T> {
    return this.step(() => this.inner.throw(e));
  }

  return(v: T): IteratorResult<unknown, T> {
    this.started();
    this.done = true;
    return this.inner.return(v);
  }

  [Symbol.iterator](): this {
    return this;
  }

  toString(): string {
    return `<coroutine ${this.record?.what ?? ""}>`;
  }
}
