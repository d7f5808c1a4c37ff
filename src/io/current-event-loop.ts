// newEventLoop, getEventLoop, setEventLoop: asyncio's "current event loop" of the main thread
// (the default policy's, without the policy object). setEventLoop(loop) makes `loop` current;
// getEventLoop() returns the running loop when called from a coroutine or callback, else the
// current one — made (and made current) on the first call when none was ever set, as asyncio 3.13
// does in the main thread; after setEventLoop(null) it throws instead. newEventLoop(options) is
// `new EventLoop(options)`. A closed loop stays current until it is replaced.

import { describe } from "../checks.js";
import { _getRunningLoop } from "../loop/running.js";
import { EventLoop, type EventLoopOptions } from "./event-loop.js";

let current: EventLoop | null = null;
let setCalled = false;

/** A new event loop (asyncio.new_event_loop). */
export function newEventLoop(options?: EventLoopOptions): EventLoop {
  return new EventLoop(options);
}

/** Makes `loop` the current event loop (null: none). */
export function setEventLoop(loop: EventLoop | null): void {
  if (loop !== null && !(loop instanceof EventLoop))
    throw new TypeError(`setEventLoop() needs an EventLoop or null, got ${describe(loop)}`);
  current = loop;
  setCalled = true;
}

/** The running loop, else the current one (made on first use if none was ever set). */
export function getEventLoop(): EventLoop {
  const running = _getRunningLoop();
  if (running !== null) return running as EventLoop;
  if (current === null) {
    if (setCalled) throw new Error("There is no current event loop");
    setEventLoop(newEventLoop());
  }
  return current!;
}
