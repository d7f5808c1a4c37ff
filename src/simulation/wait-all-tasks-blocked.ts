// waitAllTasksBlocked (Trio's wait_all_tasks_blocked, for tests): returns once every other task
// is parked — the loop has no callback queued, no timer due now, no fd ready — without moving the
// simulated clock. A test uses it to say "let everything that can happen now happen, then look".
//
// Limits: on a VirtualHost only (a real host cannot know that nothing is about to arrive); one
// waiting task at a time.

import { VirtualHost } from "../hosts/virtual-host.js";
import type { IdleResource } from "../hosts/sim/idle-resource.js";
import { getRunningLoop } from "../loop/running.js";
import type { Coroutine } from "../tasks/coroutine.js";
import type { Future } from "../tasks/future.js";

/** Waits until every other task of the running loop is blocked (VirtualHost only). */
export function* waitAllTasksBlocked(): Coroutine<void> {
  const loop = getRunningLoop();
  const host = loop.host;
  if (!(host instanceof VirtualHost))
    throw new Error(`waitAllTasksBlocked() needs a loop on a VirtualHost, not on host "${host.name}"`);
  const idle = host._idleFd();
  if (idle.armed > 0) throw new Error("another task is already waiting in waitAllTasksBlocked()");
  const fut = loop.createFuture<void>();
  idle.armed++;
  idle.fired = false;
  loop.addReader(idle.fd, onIdle, [fut, idle]);
  try {
    yield* fut;
  } finally {
    idle.armed--;
    idle.fired = false;
    loop.removeReader(idle.fd);
  }
}

function onIdle([fut, idle]: [Future<void>, IdleResource]): void {
  idle.fired = false;
  if (!fut.done()) fut.setResult(undefined);
}
