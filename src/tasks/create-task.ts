// createTask on the running loop (asyncio.create_task).

import { getRunningLoop } from "../loop/running.js";
import { describe } from "../checks.js";
import { isCoroutine, type Coroutine } from "./coroutine.js";
import type { Task, TaskOptions } from "./task.js";

/** Wraps `coro` in a Task scheduled on the running loop. */
export function createTask<T>(coro: Coroutine<T>, options?: TaskOptions): Task<T> {
  if (!isCoroutine(coro)) throw new TypeError(`a coroutine (generator object) was expected, got ${describe(coro)}`);
  return getRunningLoop().createTask(coro, options);
}
