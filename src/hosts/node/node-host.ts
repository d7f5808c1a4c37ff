// The host for JavaScript runtimes with their own event loop (Node, Deno, browsers): the real
// monotonic clock (`performance.now()`), and a `poll_oneoff` that never blocks. When nothing is
// ready it records the wait the core asked for; the async driver then awaits `idle()`, which is
// one host timer for that wait, settled early by any readiness change or wake-up.
//
// Limits: cannot block, so `runSync` refuses it. TCP sockets and listeners are fds of its fd
// table (SocketHost, socket-host.ts); stdin fds are added to the same table by the I/O layer.

import { SocketHost } from "./socket-host.js";

export class NodeHost extends SocketHost {
  readonly name: string = "node";
  readonly canBlock = false;
  /** The wait (ms) the last empty poll asked for; -1 means until something happens. */
  private waitMs = -1;
  /**
   * The clock, taken once: `performance` is an accessor on Node's global object, so each lookup
   * by name is a slow global load (~100 instructions per clock read).
   */
  private readonly clock: { now(): number } = performance;

  now(): number {
    return this.clock.now();
  }

  protected onNothingReady(clockMs: number): boolean {
    this.waitMs = clockMs;
    return clockMs === 0;
  }

  idle(): Promise<void> {
    return this.nextNotify(this.waitMs);
  }
}
