// What run() does with the tasks still alive when main ends (asyncio's _cancel_all_tasks):
// cancel them all, wait for all of them, and report the ones that ended with an exception.

import type { EventLoop } from "../loop/event-loop.js";
import { Future } from "./future.js";
import type { Task } from "./task.js";

/** Cancels `tasks` and returns a future done when all of them are; failures are reported. */
export function gatherForShutdown(loop: EventLoop, tasks: Set<Task<unknown>>): Future<void> {
  const all = new Future<void>(loop);
  let left = tasks.size;
  const onDone = (t: Task<unknown>): void => {
    if (!t.cancelled() && t.exception() !== null) {
      loop.callExceptionHandler({
        message: "unhandled exception during run() shutdown",
        exception: t.exception(),
        task: t,
      });
    }
    if (--left === 0) all.setResult(undefined);
  };
  for (const t of tasks) {
    t.cancel();
    t.addDoneCallback(onDone);
  }
  return all;
}
