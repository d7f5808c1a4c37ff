// Async iteration across the two worlds: coroutines (which cannot use `for await`) and plain
// async code (which cannot use `yield*`).
//
//   yield* forAwait(source, function* (item) { … })   a coroutine iterates any AsyncIterable
//   toAsyncIterable(function* (send) { yield* send(x) }) a coroutine produces an AsyncIterable
//   loopAsyncIterator(loop, step)                     the AsyncIterator of Queue and StreamReader
//
// forAwait waits for each `next()` through fromPromise. If the waiting task is cancelled, or the
// body throws or returns early, the iterator's `return()` is called (so an async generator runs
// its `finally` blocks, an event stream removes its listener); it is awaited when no `next()` is
// pending, and only started otherwise (an async generator would queue it behind the pending step,
// which may never end).
//
// An iterator driven from async code runs each step as a task on the loop (which must be running,
// as under `run()`); `return()` cancels a step in progress. Each step is one task and one promise:
// convenient, not fast.

import type { EventLoop } from "../loop/event-loop.js";
import { getRunningLoop } from "../loop/running.js";
import { describe } from "../checks.js";
import { isCoroutine, type Coroutine } from "./coroutine.js";
import { fromPromise } from "./from-promise.js";
import { Future, PENDING } from "./future.js";
import { Task } from "./task.js";

/**
 * Iterates `source` (an AsyncIterable, async generators included) inside a coroutine, calling
 * `body(item)` for each item; a body that returns a coroutine is awaited, and one that returns
 * `false` (or a coroutine that does) stops the iteration, as `break` would.
 */
export function* forAwait<T>(
  source: AsyncIterable<T>,
  body: (item: T) => Coroutine<unknown> | unknown,
): Coroutine<void> {
  if (
    source === null ||
    typeof source !== "object" ||
    typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] !== "function"
  ) {
    throw new TypeError(`forAwait() needs an AsyncIterable, got ${describe(source)}`);
  }
  if (typeof body !== "function") throw new TypeError(`forAwait() needs a body function, got ${describe(body)}`);
  const it = source[Symbol.asyncIterator]();
  let exhausted = false;
  let inNext = false;
  try {
    for (;;) {
      inNext = true;
      const r = yield* fromPromise(it.next());
      inNext = false;
      if (r.done) {
        exhausted = true;
        return;
      }
      let out = body(r.value);
      if (isCoroutine(out)) out = yield* out;
      if (out === false) return;
    }
  } finally {
    if (!exhausted && typeof it.return === "function") {
      const closing = it.return();
      if (inNext) Promise.resolve(closing).catch(() => {});
      else yield* fromPromise(Promise.resolve(closing));
    }
  }
}

/** What a step of a loop-driven iterator gives: a value, or the end. */
export type IterStep<T> = { done: false; value: T } | { done: true; value?: undefined };

/**
 * An AsyncIterableIterator whose `next()` runs `step()` as a task on `loop` and settles with its
 * outcome; calls are served in order. `return()` cancels a step in progress and ends the iteration.
 */
export function loopAsyncIterator<T>(loop: EventLoop, step: () => Coroutine<IterStep<T>>): AsyncIterableIterator<T> {
  let last: Promise<unknown> = Promise.resolve();
  let running: Task<IterStep<T>> | null = null;
  let finished = false;
  const iterator: AsyncIterableIterator<T> = {
    next(): Promise<IteratorResult<T>> {
      const p = last.then(async (): Promise<IteratorResult<T>> => {
        if (finished) return { done: true, value: undefined };
        running = new Task(step(), loop);
        try {
          const r = await running;
          if (r.done) finished = true;
          return r.done ? { done: true, value: undefined } : r;
        } catch (e) {
          finished = true;
          if (running.cancelled()) return { done: true, value: undefined };
          throw e;
        } finally {
          running = null;
        }
      });
      last = p.catch(() => {});
      return p;
    },
    async return(value?: unknown): Promise<IteratorResult<T>> {
      finished = true;
      if (running !== null && running._state === PENDING) running.cancel();
      return { done: true, value: value as undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Turns a coroutine that produces values into an AsyncIterable for async code: `producer(send)`
 * runs as a task on the running loop (or `options.loop`) once the first value is asked for, and
 * `yield* send(v)` hands `v` over and waits until the consumer asks for the next one. The
 * producer's return ends the iteration; its error is thrown to the consumer; a consumer that stops
 * early (`break`) cancels it.
 */
export function toAsyncIterable<T>(
  producer: (send: (value: T) => Coroutine<void>) => Coroutine<void>,
  options?: { loop?: EventLoop },
): AsyncIterableIterator<T> {
  if (typeof producer !== "function")
    throw new TypeError(`toAsyncIterable() needs a generator function, got ${describe(producer)}`);
  const loop = options?.loop ?? getRunningLoop();
  let task: Task<void> | null = null;
  let offered: Future<T> | null = null; // what the consumer waits on
  let taken: Future<void> | null = null; // what the producer waits on after offering a value
  function* send(value: T): Coroutine<void> {
    const o = offered;
    offered = null;
    if (o === null || o._state !== PENDING)
      throw new Error("toAsyncIterable(): send() outside a request (send from the producer only, once per value)");
    taken = new Future<void>(loop);
    o.setResult(value);
    yield* taken;
  }
  function* step(): Coroutine<IterStep<T>> {
    const o = (offered = new Future<T>(loop));
    if (task === null) {
      task = new Task(producer(send), loop);
      task.addDoneCallback(() => {
        if (offered !== null && offered._state === PENDING) offered.cancel();
      });
    } else if (taken !== null && taken._state === PENDING) {
      taken.setResult(undefined);
    }
    if (task.done()) o.cancel();
    try {
      return { done: false, value: yield* o };
    } catch (e) {
      if (!o.cancelled() || task._state === PENDING) throw e; // this step was cancelled
      task.result(); // the producer's error, if it failed
      return { done: true };
    }
  }
  const it = loopAsyncIterator(loop, step);
  const ret = it.return!.bind(it);
  it.return = (value?: unknown) => {
    if (task !== null && task._state === PENDING) loop.callSoonThreadsafe(() => task!.cancel());
    return ret(value);
  };
  return it;
}
