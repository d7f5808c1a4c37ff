// Which task is running, and which tasks are alive.

import type { EventLoop } from "../loop/event-loop.js";
import { _getRunningLoop, getRunningLoop } from "../loop/running.js";
import { checkLoopArg } from "../checks.js";
import type { Task } from "./task.js";

/** The task whose step is running on `loop` (default: the running loop), or null. */
export function currentTask(loop?: EventLoop): Task<unknown> | null {
  checkLoopArg(loop);
  const l = loop ?? _getRunningLoop();
  if (l === null) throw new Error("no running event loop");
  return l._currentTask;
}

/** The tasks of `loop` (default: the running loop) that are not done yet. */
export function allTasks(loop?: EventLoop): Set<Task<unknown>> {
  checkLoopArg(loop);
  const l = loop ?? getRunningLoop();
  const set = new Set<Task<unknown>>();
  for (let t = l._tasks._nextTask; t !== null; t = t._nextTask) set.add(t);
  return set;
}
