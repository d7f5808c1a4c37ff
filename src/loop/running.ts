// The running loop and the current task, per thread (a JavaScript realm has one thread). Kept
// apart from EventLoop so that any layer can ask "which loop is running?" without a cycle.

import type { EventLoop } from "./event-loop.js";

let running: EventLoop | null = null;

/** The loop whose iterations are on the stack, or null. */
export function _getRunningLoop(): EventLoop | null {
  return running;
}

/** @internal Sets the running loop; returns the previous one. */
export function _setRunningLoop(loop: EventLoop | null): EventLoop | null {
  const prev = running;
  running = loop;
  return prev;
}

/** The running event loop; throws outside a running loop (as asyncio's RuntimeError). */
export function getRunningLoop(): EventLoop {
  if (running === null) throw new Error("no running event loop");
  return running;
}
