// LifoQueue: a Queue that hands out the most recently added item first (asyncio.LifoQueue).
//
// Owns only the order: items are taken from the back of the ring buffer the Queue keeps. Waiting,
// cancellation, join and shutdown are Queue's (see queue.ts); waiting tasks are still served in
// the order they started waiting.

import { Queue } from "./queue.js";
import { addShapeMaker } from "../loop/shapes.js";

/** A Queue whose `get` returns the newest item (last in, first out); same API as Queue. */
export class LifoQueue<T = unknown> extends Queue<T> {
  /** @internal Takes the newest item. */
  override _get(): T {
    return this._items.pop() as T;
  }
}

// Twins for loop/shapes.ts.
addShapeMaker(() => {
  const queue = new LifoQueue();
  return [queue, queue.get(), queue.put(undefined)];
});
