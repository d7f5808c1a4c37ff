// eagerTaskFactory and createEagerTaskFactory: asyncio 3.12's eager tasks. Set on a loop with
// loop.setTaskFactory(eagerTaskFactory), every createTask runs the new task's first step at once
// (when the loop is running): a coroutine that returns or throws without suspending is done before
// createTask returns and never goes through the ready queue; one that suspends continues as any
// task. createEagerTaskFactory(TaskClass) does the same for a Task subclass.

import { checkCallback } from "../checks.js";
import type { EventLoop, TaskFactory } from "../loop/event-loop.js";
import type { Coroutine } from "./coroutine.js";
import { Task, type TaskOptions } from "./task.js";

/** The task factory that starts every task eagerly (asyncio.eager_task_factory). */
export function eagerTaskFactory<T>(loop: EventLoop, coro: Coroutine<T>, options?: TaskOptions): Task<T> {
  return new Task<T>(coro, loop, { ...options, eagerStart: true });
}

/** A task factory that makes eager instances of `TaskClass` (asyncio.create_eager_task_factory). */
export function createEagerTaskFactory(
  TaskClass: new (coro: Coroutine<any>, loop: EventLoop, options?: TaskOptions) => Task<any>,
): TaskFactory {
  checkCallback(TaskClass, "the task constructor");
  return (loop, coro, options) => new TaskClass(coro, loop, { ...options, eagerStart: true });
}
