// createTask on the running loop (asyncio.create_task).

import { getRunningLoop } from "../loop/running.js";
import type { Coroutine } from "./coroutine.js";
import type { Task, TaskOptions } from "./task.js";

/** Wraps `coro` in a Task scheduled on the running loop. */
export function createTask<T>(coro: Coroutine<T>, options?: TaskOptions): Task<T> {
  return getRunningLoop().createTask(coro, options);
}
