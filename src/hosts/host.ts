// What an event loop needs from the world it runs in. A Host supplies the WASI imports the core
// module is instantiated with (above all `poll_oneoff` and `clock_time_get`), a monotonic clock
// readable from JavaScript, and a wake-up fd (the self-pipe trick) through which work finished
// elsewhere (host promises, workers, signals) makes a waiting loop runnable.
//
// Two kinds of host exist. A blocking host (`canBlock`) really waits inside `poll_oneoff` — a WASI
// runtime, or the VirtualHost whose clock jumps forward. A non-blocking host (Node, Deno) must
// never block the JavaScript thread: its `poll_oneoff` reports only what is ready now and records
// how long the core wanted to wait; the async driver then awaits `idle()`, which settles when the
// host has news or that wait has elapsed.

/** The WASI preview1 functions a host provides, by import name. */
export type WasiImports = Record<string, (...args: any[]) => number>;

/** A provider of time, readiness and I/O for one event loop at a time. */
export interface Host {
  /** A short name for messages ("node", "virtual", …). */
  readonly name: string;
  /** True when `poll_oneoff` may block the thread, so `runSync` can drive a loop on it. */
  readonly canBlock: boolean;
  /** The monotonic clock in milliseconds; the same clock `clock_time_get` reports. */
  now(): number;
  /** The `wasi_snapshot_preview1` imports, reading and writing the core's memory. */
  wasiImports(memory: () => WebAssembly.Memory): WasiImports;
  /** Resolves when something may have become ready or the last poll's wait has elapsed. */
  idle(): Promise<void>;
  /** The fd that becomes readable when `wakeup()` is called (the loop watches it). */
  readonly wakeupFd: number;
  /** Makes the wake-up fd readable and settles a pending `idle()`. Safe to call at any time. */
  wakeup(): void;
  /** True while the wake-up fd is readable (a cheap check the loop makes before skipping a poll). */
  wakeupPending(): boolean;
  /** Consumes pending wake-ups so the wake-up fd stops being readable. */
  drainWakeup(): void;
  /**
   * Optional: told the interest mask (1 read, 2 write) the loop set for `fd` in the core, so a
   * host can answer poll_oneoff from the fds that changed instead of scanning every subscription.
   */
  setInterest?(fd: number, mask: number): void;
  /**
   * Optional: true when a zero-timeout poll now would report nothing and change nothing (no fd
   * ready, no timer newly due: the clock has not moved since the last poll). The loop then runs
   * the callbacks a pass queued without polling first, as it does when it has no timer or fd.
   */
  quiet?(): boolean;
  /** Checks that `fd` names an open resource of this host. */
  isOpen(fd: number): boolean;
  /** Called when the loop closes; releases what the host holds for it. */
  close(): void;
}
