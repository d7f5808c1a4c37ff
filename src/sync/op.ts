// Ops: coroutines written by hand — plain objects with the generator protocol (next/throw/return
// and [Symbol.iterator]) that do what a `function*` would, for the hottest calls of this layer
// (Queue.get and Queue.put; the queue ping-pong benchmark is made of little else).
//
// Why: a generator object is large, every resume goes through the generator machinery, and
// `yield* fut` inside it adds one more iterator and one more result object per wait. An op is one
// small object that is also its own IteratorResult (`value` and `done` live on it, and `next()`
// returns `this`), so a call that need not wait allocates exactly one object, and a call that
// waits adds only the Future it waits on. Measured on Node 20: `yield* q.put(x)` costs ~12 ns
// more than `q.putNowait(x)` as an op, ~30–40 ns more as a generator. Op classes share no base
// class: on V8 a `super()` chain doubles the cost of constructing these small objects.
//
// Contract, as a generator's: nothing happens until the first `next()` (so `createTask(q.get())`
// and a task cancelled before it starts behave as in asyncio); after it returned or threw, `next()`
// throws "cannot reuse already awaited coroutine" (asyncio's RuntimeError; a generator would
// return done with value undefined, silently); `throw(e)` before the first step throws `e` without running
// anything; `return(v)` leaves (cleaning up a pending wait) and returns done with `v`.
//
// Reuse: the maker may hand out an op again, reset, once it has finished (Queue keeps its last
// get and put), so a loop of `yield* q.get()` allocates nothing: allocating one object per call
// cost ~10 % of a queue ping-pong (young objects, scavenges). An op a task or call() takes is
// kept by the taker: its `_keep()` (see tasks/coroutine.ts takeCoroutine) stops the reuse.
//
// Limits: the object is reused as the result of each step, so a caller must read `value` and
// `done` before the next call (Task and `yield*` do); and a reference kept to a finished op may
// see it come back as the op of a later call.

import type { Coroutine } from "../tasks/coroutine.js";

/** The shape every op has: an iterator that is its own result object. */
export interface Op {
  value: unknown;
  done: boolean;
  next(): Op;
  throw(error: unknown): Op;
  return(value?: unknown): Op;
}

/** Types an op as the coroutine it stands for. */
export function asCoroutine<T>(op: Op): Coroutine<T> {
  return op as unknown as Coroutine<T>;
}

/** Marks `op` finished with `value`; returns it as the last result. */
export function finish<O extends Op>(op: O, value: unknown): O {
  op.done = true;
  op.value = value;
  return op;
}

/** Marks `op` finished and throws `error` out of it. */
export function fail(op: Op, error: unknown): never {
  op.done = true;
  op.value = undefined;
  throw error;
}
