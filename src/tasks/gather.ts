// gather: run awaitables concurrently and collect their results in argument order — asyncio.gather
// and its _GatheringFuture.
//
// Coroutines are wrapped in Tasks at the call (they start at once); Futures and Tasks are used as
// they are. The returned future (the "outer") finishes with the list of results once every child
// is done. Without `returnExceptions`, the first child that fails or is cancelled ends the outer at
// once with that error (a CancelledError for a cancelled child); the other children keep running.
// With it, failures take their place in the list (a cancelled child gives its CancelledError).
//
// Cancelling the outer cancels every child that is still pending; if any of them accepted the
// request, the outer ends with a CancelledError even when `returnExceptions` is set or the children
// ignore the cancellation (CPython bpo-32684). If none accepted (all were done), cancel() returns
// false and the outer still finishes with the results.
//
// Cost per child: a slot in one array and one done callback. The callback is a single shared
// function that finds its gather through the child's `_owner` slot; only a child that is already
// watched by someone else (another gather, a TaskGroup, or the same gather twice) gets a small
// link object instead. Results are collected once, when the last child is done.
//
// Limits: the same coroutine object passed twice becomes one Task (as in asyncio); the same
// Future passed twice is simply watched twice. An empty list needs a running loop (asyncio would
// fall back to get_event_loop()).

import { cheapCancelledError } from "../errors.js";
import type { EventLoop } from "../loop/event-loop.js";
import { getRunningLoop } from "../loop/running.js";
import { awaitableList, checkAwaitable } from "./arguments.js";
import type { Awaitable, Coroutine } from "./coroutine.js";
import { CANCELLED, Future, PENDING } from "./future.js";
import { Task } from "./task.js";
import { addShapeMaker } from "../loop/shapes.js";

export interface GatherOptions {
  /** Put failures (and CancelledErrors) in the result list instead of failing the gather. */
  returnExceptions?: boolean;
}

/** What awaiting `A` gives: T for a Future<T> or a Coroutine<T>. */
export type AwaitedOf<A> = A extends Future<infer T> ? T : A extends Generator<unknown, infer T, unknown> ? T : unknown;
/** The results of a gather over the tuple (or array) `A`. */
export type GatherResults<A extends readonly unknown[]> = { -readonly [K in keyof A]: AwaitedOf<A[K]> };

const EMPTY: Future<unknown>[] = [];

/** The future `gather` returns; cancelling it cancels the children. */
export class GatheringFuture<T = unknown[]> extends Future<T> {
  /** @internal The children in argument order (dropped once the outer is done). */
  _children: Future<unknown>[];
  /** @internal Done callbacks still to come (one per argument). */
  _left: number;
  /** @internal */ readonly _returnExceptions: boolean;
  /** @internal cancel() reached at least one pending child. */
  _cancelRequested = false;
  /** @internal The message of that cancel(). */
  _cancelRequestMessage: string | undefined = undefined;

  /** @internal */
  constructor(children: Future<unknown>[], returnExceptions: boolean, loop: EventLoop) {
    super(loop);
    this._children = children;
    this._left = children.length;
    this._returnExceptions = returnExceptions;
  }

  /** Cancels the pending children; true if at least one accepted (the gather then ends cancelled). */
  override cancel(msg?: string): boolean {
    if (this._state !== PENDING) return false;
    const children = this._children;
    let accepted = false;
    for (let i = 0; i < children.length; i++) if (children[i].cancel(msg)) accepted = true;
    if (accepted) {
      this._cancelRequested = true;
      this._cancelRequestMessage = msg;
    }
    return accepted;
  }

  /** @internal One child (one argument) is done. */
  _childDone(child: Future<unknown>): void {
    this._left--;
    if (this._state !== PENDING) {
      // Too late to matter: mark a failure as seen so it is not reported as never retrieved.
      if (child._state !== CANCELLED) child._retrieved();
      return;
    }
    if (!this._returnExceptions) {
      if (child._state === CANCELLED) {
        this._end(child._makeCancelledError(), true);
        return;
      }
      if (child._failed) {
        child._retrieved();
        this._end(child._exception, true);
        return;
      }
    }
    if (this._left === 0) this._collect(child);
  }

  /** Every child is done: the list of results, or CancelledError if the gather was cancelled. */
  private _collect(last: Future<unknown>): void {
    const children = this._children;
    const n = children.length;
    const results = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const c = children[i];
      if (c._state === CANCELLED) {
        results[i] = c._makeCancelledError();
      } else if (c._failed) {
        c._retrieved();
        results[i] = c._exception;
      } else {
        results[i] = c._result;
      }
    }
    if (this._cancelRequested) {
      this._end(
        last._state === CANCELLED ? last._makeCancelledError() : cheapCancelledError(this._cancelRequestMessage),
        true,
      );
    } else {
      this._end(results, false);
    }
  }

  private _end(value: unknown, failed: boolean): void {
    this._children = EMPTY;
    if (failed) this._fail(value);
    else this.setResult(value as T);
  }

  override _kind(): string {
    return "GatheringFuture";
  }
}

/** A child watched through a link object (when its `_owner` slot is taken). */
class ChildLink {
  readonly _wakeStep = linkDone;
  constructor(
    readonly outer: GatheringFuture<unknown>,
    readonly child: Future<unknown>,
  ) {}
}

function linkDone(link: ChildLink): void {
  link.outer._childDone(link.child);
}

/** The shared done callback of every child whose `_owner` is its gather. */
function childDone(child: Future<unknown>): void {
  const outer = child._owner as GatheringFuture<unknown>;
  child._owner = null;
  outer._childDone(child);
}

/**
 * Runs `aws` concurrently; the returned future gives their results in the same order.
 * Typed as a tuple when `aws` is one (`gather([a, b] as const)` or an array literal).
 */
export function gather<const A extends readonly Awaitable<unknown>[]>(
  aws: A,
  options?: { returnExceptions?: false },
): GatheringFuture<GatherResults<A>>;
export function gather<const A extends readonly Awaitable<unknown>[]>(
  aws: A,
  options: GatherOptions,
): GatheringFuture<{ -readonly [K in keyof A]: unknown }>;
export function gather(aws: Iterable<Awaitable<unknown>>, options?: GatherOptions): GatheringFuture<unknown[]>;
export function gather(aws: Iterable<Awaitable<unknown>>, options?: GatherOptions): GatheringFuture<unknown[]> {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError("gather() options must be an object");
  }
  const returnExceptions = Boolean(options?.returnExceptions);
  const list = awaitableList(aws, "gather()");
  const n = list.length;

  // Pass 1, no side effects: check every argument and find the loop.
  let loop: EventLoop | undefined;
  let coroutines = 0;
  for (let i = 0; i < n; i++) {
    const a = list[i];
    if (a instanceof Future) {
      if (loop === undefined) loop = a._loop;
      else if (a._loop !== loop) throw new RangeError(`gather(): argument ${i} belongs to a different event loop`);
    } else {
      checkAwaitable(a, `gather() argument ${i}`);
      coroutines++;
    }
  }
  if (coroutines > 0 || loop === undefined) {
    const running = getRunningLoop();
    if (loop !== undefined && loop !== running)
      throw new RangeError("gather(): the futures belong to a different event loop than the running one");
    loop = running;
  }

  // Pass 2: wrap coroutines, watch the children.
  const children = new Array<Future<unknown>>(n);
  const outer = new GatheringFuture<unknown[]>(children, returnExceptions, loop);
  if (n === 0) {
    outer.setResult([]);
    return outer;
  }
  const tasksOf = coroutines > 1 ? new Map<unknown, Task<unknown>>() : null;
  let doneAlready: Future<unknown>[] | null = null;
  for (let i = 0; i < n; i++) {
    const a = list[i];
    let fut: Future<unknown>;
    if (a instanceof Future) {
      fut = a;
    } else if (tasksOf === null) {
      fut = new Task(a as Coroutine<unknown>, loop);
    } else {
      let t = tasksOf.get(a);
      if (t === undefined) tasksOf.set(a, (t = new Task(a as Coroutine<unknown>, loop)));
      fut = t;
    }
    children[i] = fut;
    if (fut._state !== PENDING) {
      (doneAlready ??= []).push(fut);
    } else if (fut._owner === null) {
      fut._owner = outer;
      fut._addCallback(childDone);
    } else {
      fut._addCallback(new ChildLink(outer, fut));
    }
  }
  // Children done before the call count now, as in asyncio (all done: the gather is done at once).
  if (doneAlready !== null) for (const fut of doneAlready) outer._childDone(fut);
  return outer;
}

// Twins for loop/shapes.ts.
addShapeMaker((loop) => {
  const outer = new GatheringFuture<unknown[]>([], false, loop);
  return [outer, new ChildLink(outer, new Future(loop))];
});
