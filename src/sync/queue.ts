// Queue: a FIFO queue between tasks, optionally bounded, with join() and shutdown (asyncio.Queue,
// 3.13 semantics). PriorityQueue and LifoQueue (beside this file) change only the item order,
// through the three hooks `_put`, `_get` and `qsize`.
//
// Owns: the items, the futures of tasks waiting to get (queue empty) and to put (queue full),
// the count of unfinished items behind `taskDone()`/`join()`, and the shut-down flag.
//
// How waiting works (as asyncio): a put wakes the oldest waiting getter, which takes an item when
// it runs; a get wakes the oldest waiting putter. A woken task re-checks the queue and waits
// again if another task got there first. A getter cancelled after being woken passes the wake-up
// on and the item stays queued (a cancelled get never loses an item); a cancelled put never
// inserts its item. `shutdown()` makes later puts throw QueueShutDown, and gets too once the queue
// is empty; `shutdown(true)` also empties the queue at once, counting each removed item as done,
// so `join()` returns as soon as the items already taken out are done.
//
// Cost: `get()` and `put()` are hand-written coroutines (see op.ts) with no Future unless the call
// waits. The queue keeps the last op of each kind and hands it out again, reset, once it has
// finished: `yield* q.get()` in a loop allocates nothing (an op handed to a task or call() is the
// taker's and never handed out again). A waiter's Future, once its task has consumed the wake-up
// (finished with no result, no callbacks left, referenced by nothing else), is kept as the
// queue's spare and reused by its next wait, so a ping-pong between two tasks allocates nothing
// at all. Items and waiters live in ring buffers (O(1) at both ends).
//
// Limits: like asyncio's, the queue does not hand items to waiters directly: a `getNowait()` by a
// third task between a put and the woken getter's turn takes the item first, and the getter waits
// again (FIFO among waiters, not against callers that do not wait). A reference kept to a finished
// `get()` or `put()` may see it again as a later call's op (an awaited coroutine is not to be used
// again anyway); the last item got stays referenced by the kept op until the next `get()`.

import { QueueEmpty, QueueFull, QueueShutDown } from "../errors.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { CANCELLED, Future, PENDING } from "../tasks/future.js";
import { checkCount, checkFlag } from "./checks.js";
import { Deque } from "./deque.js";
import { addShapeMaker } from "../loop/shapes.js";
import { Event } from "./event.js";
import { LoopBound } from "./loop-bound.js";
import { _getRunningLoop } from "../loop/running.js";
import { loopAsyncIterator, type IterStep } from "../tasks/async-iteration.js";
import { asCoroutine, fail, finish, type Op } from "./op.js";
import { REUSED } from "../tasks/debug-coroutines.js";

/**
 * A FIFO queue for passing items between tasks.
 *
 * `new Queue<T>(maxsize = 0)`: with maxsize > 0, `put` waits while the queue holds maxsize items
 * (0 means unbounded). `yield* q.put(x)` / `q.putNowait(x)` add an item (putNowait throws
 * QueueFull instead of waiting); `yield* q.get()` / `q.getNowait()` remove one (getNowait throws
 * QueueEmpty). Consumers call `taskDone()` once per item they finished; `yield* q.join()` waits
 * until every item put has been marked done. `shutdown(immediate = false)` closes the queue:
 * QueueShutDown for every later put, and for gets once the queue is empty (at once with
 * `immediate`, which also drops the queued items and counts them as done).
 */
export class Queue<T = unknown> extends LoopBound {
  // Fields are set in the constructor (see LoopBound): LifoQueue and PriorityQueue inline it.
  /** @internal */ declare _maxsize: number;
  /** @internal The items (PriorityQueue keeps its own and overrides the hooks). */
  declare _items: Deque<T>;
  /** @internal Futures of tasks waiting for an item, oldest first. */
  declare _getters: Deque<Future<void>>;
  /** @internal Futures of tasks waiting for room, oldest first. */
  declare _putters: Deque<Future<void>>;
  /** @internal Items put and not yet marked done. */
  declare _unfinished: number;
  /** @internal Set while `_unfinished` is 0 (what join() waits for). */
  declare _finished: Event;
  /** @internal */ declare _isShutdown: boolean;
  /** @internal A consumed waiter future, reset and kept for the next wait. */
  declare _spare: Future<void> | null;
  /** @internal The last get() op: handed out again once finished. */
  declare _getOp: GetOp<T> | null;
  /** @internal The last put() op: handed out again once finished. */
  declare _putOp: PutOp<T> | null;

  constructor(maxsize = 0) {
    super();
    this._maxsize = checkCount(maxsize, "maxsize");
    this._items = new Deque<T>();
    this._getters = new Deque<Future<void>>();
    this._putters = new Deque<Future<void>>();
    this._unfinished = 0;
    this._finished = new Event();
    this._finished._value = true;
    this._isShutdown = false;
    this._spare = null;
    this._getOp = null;
    this._putOp = null;
  }

  // ---------------------------------------------------------------- order hooks (subclasses)

  /** @internal Adds an item in this queue's order. */
  _put(item: T): void {
    this._items.push(item);
  }

  /** @internal Removes the next item in this queue's order (the queue is not empty). */
  _get(): T {
    return this._items.shift() as T;
  }

  /** Number of items in the queue. */
  qsize(): number {
    return this._items.length;
  }

  // ---------------------------------------------------------------- state

  /** How many items the queue holds before `put` waits (0: unbounded). */
  get maxsize(): number {
    return this._maxsize;
  }

  /** True when the queue holds no item. */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** True when the queue holds maxsize items (never for an unbounded queue). */
  full(): boolean {
    return this._maxsize > 0 && this.qsize() >= this._maxsize;
  }

  /** True once `shutdown()` has been called. */
  isShutdown(): boolean {
    return this._isShutdown;
  }

  // ---------------------------------------------------------------- put and get

  /** Adds `item`, first waiting for room while the queue is full; throws QueueShutDown once shut down. */
  put(item: T): Coroutine<void> {
    const op = this._putOp;
    if (op?.done) {
      op.done = false;
      op.value = undefined;
      op._item = item;
      return asCoroutine(op);
    }
    return asCoroutine((this._putOp = new PutOp<T>(this, item)));
  }

  /** Adds `item` at once: throws QueueShutDown once shut down, QueueFull when full. */
  putNowait(item: T): void {
    this._checkLoop();
    if (this._isShutdown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this._putItem(item);
  }

  /**
   * Removes and returns the next item, first waiting for one while the queue is empty; throws
   * QueueShutDown when the queue is shut down and empty.
   */
  get(): Coroutine<T> {
    const op = this._getOp;
    if (op?.done) {
      op.done = false;
      op.value = undefined;
      return asCoroutine(op);
    }
    return asCoroutine((this._getOp = new GetOp<T>(this)));
  }

  /** Removes and returns the next item at once: throws QueueEmpty when empty (QueueShutDown once shut down). */
  getNowait(): T {
    this._checkLoop();
    if (this.qsize() === 0) {
      if (this._isShutdown) throw new QueueShutDown();
      throw new QueueEmpty();
    }
    return this._getItem();
  }

  /** @internal Puts (there is room, not shut down), counts the item, wakes a getter. */
  _putItem(item: T): void {
    this._put(item);
    if (this._unfinished++ === 0) this._finished._value = false;
    if (this._getters.length !== 0) wakeUpNext(this._getters);
  }

  /**
   * @internal Takes the next item (there is one) and wakes a putter. The wake-ups are called only
   * when someone waits: V8 then never inlines the wake path into a queue op that does not take it
   * (an unbounded queue's get), which keeps the ops small enough to inline into the tasks' bodies.
   */
  _getItem(): T {
    const item = this._get();
    if (this._putters.length !== 0) wakeUpNext(this._putters);
    return item;
  }

  /** @internal A future to wait on: the spare if there is one. */
  _waiter(): Future<void> {
    const spare = this._spare;
    if (spare === null) return new Future<void>(this._getLoop());
    this._spare = null;
    return spare;
  }

  /**
   * @internal A wait ended with its task resumed normally: the future is finished with no result,
   * its callbacks have run and nothing else refers to it, so it can serve the next wait.
   */
  _recycle(fut: Future<void>): void {
    fut._state = PENDING;
    fut._result = undefined; // in case it was finished by hand with a value
    this._spare = fut;
  }

  /**
   * @internal A waiting put or get leaves without its turn (cancelled, or its coroutine closed).
   * If it had been woken and what it waited for is there, the wake-up goes to the next waiter, so
   * no item (or free slot) is left with nobody woken for it.
   */
  _abandon(fut: Future<void>, waiters: Deque<Future<void>>, ready: boolean): void {
    fut.cancel(); // in case it is still pending
    waiters.remove(fut);
    if (ready && fut._state !== CANCELLED) wakeUpNext(waiters);
  }

  // ---------------------------------------------------------------- join

  /** Marks one item taken from the queue as done; throws if called more often than items were put. */
  taskDone(): void {
    if (this._unfinished <= 0) throw new RangeError("taskDone() called too many times");
    this._checkLoop();
    if (--this._unfinished === 0) this._finished.set();
  }

  /** Waits until every item put into the queue has been marked done with `taskDone()`. */
  *join(): Coroutine<void> {
    this._checkLoop();
    if (this._unfinished > 0) yield* this._finished.wait();
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Shuts the queue down: later puts throw QueueShutDown, and so do gets once the queue is empty;
   * tasks waiting in put or get wake up to throw it. With `immediate`, the queued items are
   * dropped at once, each counted as done, so `join()` returns when the rest are done.
   */
  shutdown(immediate = false): void {
    checkFlag(immediate, "immediate");
    this._checkLoop();
    this._isShutdown = true;
    if (immediate) {
      while (this.qsize() > 0) {
        this._get();
        if (this._unfinished > 0) this._unfinished--;
      }
      if (this._unfinished === 0) this._finished.set();
    }
    wakeUpAll(this._getters);
    wakeUpAll(this._putters);
  }

  override toString(): string {
    let text = `<${this.constructor.name} maxsize=${this._maxsize} qsize=${this.qsize()}`;
    if (this._getters.length > 0) text += ` getters[${this._getters.length}]`;
    if (this._putters.length > 0) text += ` putters[${this._putters.length}]`;
    if (this._unfinished > 0) text += ` tasks=${this._unfinished}`;
    if (this._isShutdown) text += " shutdown";
    return text + ">";
  }

  /**
   * For `for await (const item of queue)` in async code: gets items until the queue is shut
   * down and empty. Each step runs as a task on the queue's loop (the running one, or the one the
   * queue was first used on); stopping early cancels a get in progress. Items are not marked
   * done: call `taskDone()` as with `get()`.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    const loop = this._loop ?? _getRunningLoop();
    if (loop === null) throw new Error(`${this} has no loop yet: use it on a running loop before iterating it`);
    return loopAsyncIterator(loop, () => getOrEnd(this));
  }
}

/** One step of a queue's iteration: the next item, or the end once it is shut down. */
function* getOrEnd<T>(q: Queue<T>): Coroutine<IterStep<T>> {
  try {
    return { done: false, value: yield* q.get() };
  } catch (e) {
    if (e instanceof QueueShutDown) return { done: true };
    throw e;
  }
}

/**
 * One `get()`: while the queue is empty, wait on a getter future at the back of the line (throw
 * QueueShutDown instead once shut down); then take the next item.
 */
class GetOp<T> implements Op {
  value: unknown = undefined;
  done = false;
  /** @internal */ readonly _queue: Queue<T>;
  /** @internal The getter future while waiting. */
  _fut: Future<void> | null = null;

  constructor(queue: Queue<T>) {
    this._queue = queue;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): this {
    if (this.done) throw new Error(REUSED);
    const q = this._queue;
    const woken = this._fut;
    if (woken !== null) {
      if (woken._state === PENDING) return this; // resumed early by hand: keep waiting
      if (woken._state === CANCELLED) return this.throw(woken._makeCancelledError());
      this._fut = null;
      q._recycle(woken);
    }
    try {
      if (woken === null) q._checkLoop();
      if (q.qsize() === 0) {
        if (q._isShutdown) throw new QueueShutDown();
        const getter = q._waiter();
        q._getters.push(getter);
        this._fut = getter;
        this.value = getter;
        return this;
      }
      this.value = q._getItem();
    } catch (error) {
      return fail(this, error);
    }
    this.done = true;
    return this;
  }

  throw(error: unknown): this {
    this._leave();
    return fail(this, error);
  }

  return(value?: unknown): this {
    this._leave();
    return finish(this, value);
  }

  /** @internal A task or call() took this op: it is never handed out again. */
  _keep(): void {
    if (this._queue._getOp === this) this._queue._getOp = null;
  }

  /** @internal Stops waiting, if waiting (see Queue._abandon). */
  _leave(): void {
    const getter = this._fut;
    if (getter === null) return;
    this._fut = null;
    const q = this._queue;
    q._abandon(getter, q._getters, q.qsize() > 0);
  }
}

/**
 * One `put(item)`: throw QueueShutDown once shut down; while the queue is full, wait on a putter
 * future at the back of the line; then add the item.
 */
class PutOp<T> implements Op {
  value: unknown = undefined;
  done = false;
  /** @internal */ readonly _queue: Queue<T>;
  /** @internal The item, until it is put. */
  _item: T | undefined;
  /** @internal The putter future while waiting. */
  _fut: Future<void> | null = null;

  constructor(queue: Queue<T>, item: T) {
    this._queue = queue;
    this._item = item;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): this {
    if (this.done) throw new Error(REUSED);
    const q = this._queue;
    const woken = this._fut;
    if (woken !== null) {
      if (woken._state === PENDING) return this; // resumed early by hand: keep waiting
      if (woken._state === CANCELLED) return this.throw(woken._makeCancelledError());
      this._fut = null;
      q._recycle(woken);
    }
    const item = this._item as T;
    try {
      if (woken === null) q._checkLoop();
      if (q._isShutdown) throw new QueueShutDown();
      if (q.full()) {
        const putter = q._waiter();
        q._putters.push(putter);
        this._fut = putter;
        this.value = putter;
        return this;
      }
      this._item = undefined;
      q._putItem(item);
    } catch (error) {
      this._item = undefined;
      return fail(this, error);
    }
    this.done = true;
    this.value = undefined;
    return this;
  }

  throw(error: unknown): this {
    this._leave();
    return fail(this, error);
  }

  return(value?: unknown): this {
    this._leave();
    return finish(this, value);
  }

  /** @internal A task or call() took this op: it is never handed out again. */
  _keep(): void {
    if (this._queue._putOp === this) this._queue._putOp = null;
  }

  /** @internal Stops waiting, if waiting (see Queue._abandon); the item is not put. */
  _leave(): void {
    this._item = undefined;
    const putter = this._fut;
    if (putter === null) return;
    this._fut = null;
    const q = this._queue;
    q._abandon(putter, q._putters, !q.full());
  }
}

/** Removes waiters from the front until one that is still pending, and wakes it. */
function wakeUpNext(waiters: Deque<Future<void>>): void {
  while (waiters.length > 0) {
    const fut = waiters.shift()!;
    if (fut._state === PENDING) {
      fut._wake();
      return;
    }
  }
}

/** Removes every waiter and wakes those still pending. */
function wakeUpAll(waiters: Deque<Future<void>>): void {
  while (waiters.length > 0) {
    const fut = waiters.shift()!;
    if (fut._state === PENDING) fut.setResult(undefined);
  }
}

// Twins for loop/shapes.ts: a queue and one get and one put (never started).
addShapeMaker(() => {
  const queue = new Queue();
  return [queue, queue.get(), queue.put(undefined)];
});
