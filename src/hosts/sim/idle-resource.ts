// The "all tasks blocked" fd of a VirtualHost: readable once a poll found the loop about to wait
// (nothing ready, no callback queued, no timer due now) while a task asked to be told. It lets a
// test run until everything else is parked (Trio's wait_all_tasks_blocked) without advancing the
// simulated clock.

import type { Resource } from "../fd-table.js";

export class IdleResource implements Resource {
  fd = -1;
  /** Tasks waiting to be told. */
  armed = 0;
  /** The loop was found idle since the last `consume()`. */
  fired = false;
  readReady(): boolean {
    return this.fired;
  }
  writeReady(): boolean {
    return false;
  }
  readableBytes(): number {
    return 0;
  }
  hungUp(): boolean {
    return false;
  }
  takeError(): number {
    return 0;
  }
  close(): void {
    this.armed = 0;
    this.fired = false;
  }
}
