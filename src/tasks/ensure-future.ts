// Turning an awaitable into a Future: a Future is kept (it must belong to the loop), a coroutine
// becomes a Task.

import type { EventLoop } from "../loop/event-loop.js";
import { getRunningLoop } from "../loop/running.js";
import { checkLoopArg, describe } from "../checks.js";
import { isCoroutine, type Awaitable } from "./coroutine.js";
import { Future } from "./future.js";
import { Task } from "./task.js";

/** The Future for `aw` on `loop` (default: the running loop). */
export function ensureFuture<T>(aw: Awaitable<T>, loop?: EventLoop): Future<T> {
  checkLoopArg(loop);
  if (aw instanceof Future) {
    if (loop !== undefined && aw._loop !== loop) throw new Error(`The future belongs to a different loop than the one specified`);
    return aw;
  }
  if (isCoroutine(aw)) return new Task<T>(aw, loop ?? getRunningLoop());
  throw new TypeError(`a Future or a coroutine was expected, got ${describe(aw)}`);
}
