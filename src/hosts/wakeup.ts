// The wake-up fd: a counter that is readable while non-zero. Anything that finishes outside the
// loop (a host promise, a worker, a signal) bumps it; the loop's reader drains it.

import type { Resource } from "./fd-table.js";

export class WakeupResource implements Resource {
  fd = -1;
  pending = 0;
  readReady(): boolean {
    return this.pending > 0;
  }
  writeReady(): boolean {
    return true;
  }
  readableBytes(): number {
    return this.pending > 0 ? 8 : 0;
  }
  hungUp(): boolean {
    return false;
  }
  takeError(): number {
    return 0;
  }
  close(): void {
    this.pending = 0;
  }
}
