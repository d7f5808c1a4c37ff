// Hand-rolled Node.js counterparts of the wasio primitives the workloads use: the smallest honest
// versions a Node programmer would write (promise-based, FIFO, no extra features), so the native
// side of each benchmark measures Node's own machinery rather than a library.

// A plain Error subclass, so each cancel captures a stack trace, as any Node code rejecting with a
// fresh error (or AbortController's AbortError) does; on this machine that is about 3/4 of the cost
// of cancelling a sleep. Set Error.stackTraceLimit = 0 to see Node's figure without it.
export class CancelledError extends Error {
  name = "CancelledError";
}

/** One macrotask turn of Node's loop: the closest match to wasio's bare `yield` (one loop pass). */
export const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A promise resolved after `ms`; `.cancel()` clears the timer and rejects it with CancelledError. */
export function cancellableSleep(ms) {
  let timer, reject;
  const p = new Promise((res, rej) => {
    timer = setTimeout(res, ms);
    reject = rej;
  });
  p.cancel = () => {
    clearTimeout(timer);
    reject(new CancelledError());
  };
  return p;
}

/** Array-backed FIFO with O(1) shift (a head index, compacted now and then). */
export class Fifo {
  items = [];
  head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(x) {
    this.items.push(x);
  }
  shift() {
    const x = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

/** Unbounded queue: `put` never waits; `get` returns a promise settled by the next `put`. */
export class PromiseQueue {
  items = new Fifo();
  getters = new Fifo();
  put(x) {
    if (this.getters.length) this.getters.shift()(x);
    else this.items.push(x);
  }
  get() {
    if (this.items.length) return Promise.resolve(this.items.shift());
    return new Promise((resolve) => this.getters.push(resolve));
  }
}

/** FIFO mutex with hand-off: `release` passes ownership straight to the oldest waiter. */
export class FifoMutex {
  locked = false;
  waiters = new Fifo();
  acquire() {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release() {
    if (this.waiters.length) this.waiters.shift()();
    else this.locked = false;
  }
}
