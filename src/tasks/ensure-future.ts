// Turning an awaitable into a Future: a Future is kept (it must belong to the loop), and so is an
// object with asyncio's future protocol (`isFutureLike`); a coroutine becomes a Task, and so does
// a promise (any thenable), awaited through fromPromise.

import type { EventLoop } from "../loop/event-loop.js";
import { getRunningLoop } from "../loop/running.js";
import { checkLoopArg, describe } from "../checks.js";
import { isCoroutine, type Awaitable } from "./coroutine.js";
import { Future } from "./future.js";
import { Task, isFutureLike } from "./task.js";
import { fromPromise, isThenable } from "./from-promise.js";

/** The Future for `aw` on `loop` (default: the running loop). */
export function ensureFuture<T>(aw: Awaitable<T> | PromiseLike<T>, loop?: EventLoop): Future<T> {
  checkLoopArg(loop);
  if (aw instanceof Future) {
    if (loop !== undefined && aw._loop !== loop)
      throw new RangeError(`The future belongs to a different loop than the one specified`);
    return aw;
  }
  if (isCoroutine(aw)) return new Task<T>(aw, loop ?? getRunningLoop());
  if (isFutureLike(aw)) {
    const f = aw as unknown as Future<T>;
    if (loop !== undefined && f.getLoop() !== loop)
      throw new RangeError(`The future belongs to a different loop than the one specified`);
    return f;
  }
  if (isThenable(aw)) return new Task<T>(fromPromise(aw as PromiseLike<T>), loop ?? getRunningLoop());
  throw new TypeError(`a Future, a coroutine or a promise was expected, got ${describe(aw)}`);
}
