// The machinery every JavaScript-side host shares: the fd table, the wake-up fd, and the WASI
// imports `clock_time_get` (from `now()`) and `poll_oneoff` (from the fd table's readiness). A
// subclass decides what an empty poll means: jump a simulated clock, or record the wait and
// report nothing (`onNothingReady`).

import { FdTable } from "./fd-table.js";
import type { Host, WasiImports } from "./host.js";
import { MemoryView, scanSubscriptions, writeEventAt, type PollScan } from "./poll-shim.js";
import { ERRNO_INVAL, ERRNO_SUCCESS } from "./errno.js";
import { EVENTTYPE_CLOCK, setU64 } from "./wasi-abi.js";
import { WakeupResource } from "./wakeup.js";
import { ReadyList } from "./ready-list.js";
import { startHostTimer } from "./host-timer.js";

export abstract class HostBase implements Host {
  abstract readonly name: string;
  abstract readonly canBlock: boolean;
  readonly fds = new FdTable();
  readonly wakeupFd: number;
  /** poll_oneoff calls so far (tests use it to see that waiting goes through the core). */
  pollCalls = 0;
  protected readonly wake = new WakeupResource();
  private waiter: (() => void) | null = null;
  private readonly scan: PollScan = { count: 0, clockMs: -1, clockAt: -1 };
  /**
   * Set by hosts whose every resource reports its readiness changes (`touch`): poll_oneoff then
   * checks only the fds that changed or were ready (src/hosts/ready-list.ts), not every one.
   */
  protected readonly readyList: ReadyList | null = null;

  constructor() {
    this.wakeupFd = this.fds.open(this.wake);
  }

  abstract now(): number;
  abstract idle(): Promise<void>;

  /**
   * Decides what a poll with no ready fd does. `clockMs` is the requested wait (-1: none).
   * Return true when the clock subscription has elapsed (its event is then reported).
   */
  protected abstract onNothingReady(clockMs: number): boolean;

  wakeup(): void {
    this.wake.pending++;
    this.readyList?.touch(this.wakeupFd);
    this.notify();
  }

  /** Tells the ready list that the readiness of `fd` may have changed. */
  protected touch(fd: number): void {
    this.readyList?.touch(fd);
  }

  setInterest(fd: number, mask: number): void {
    if (!Number.isInteger(fd) || fd < 0) return; // not an fd: nothing to track
    this.readyList?.setInterest(fd, mask);
  }

  /** Settles a pending `idle()`: something may have become ready. */
  protected notify(): void {
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w();
    }
  }

  /**
   * A promise that `notify()` settles (at once if the wake-up fd is already readable), or a host
   * timer after `timeoutMs` when that is >= 0 (src/hosts/host-timer.ts: precise in browsers too).
   */
  protected nextNotify(timeoutMs = -1): Promise<void> {
    if (this.wake.pending > 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (timeoutMs < 0) {
        this.waiter = resolve;
        return;
      }
      // Host timers overflow past 2^31 - 1 ms (Node would fire at once): wait that long at most.
      const cancel = startHostTimer(Math.min(timeoutMs, 0x7fffffff), () => {
        this.waiter = null;
        resolve();
      });
      this.waiter = () => {
        cancel();
        resolve();
      };
    });
  }

  wakeupPending(): boolean {
    return this.wake.pending > 0;
  }

  drainWakeup(): void {
    this.wake.pending = 0;
  }

  isOpen(fd: number): boolean {
    return this.fds.get(fd) !== undefined;
  }

  close(): void {
    this.fds.closeAll();
  }

  wasiImports(memory: () => WebAssembly.Memory): WasiImports {
    const mem = new MemoryView(memory);
    return {
      clock_time_get: (id: number, _precision: bigint, out: number): number => {
        if (id !== 1 && id !== 0) return ERRNO_INVAL;
        setU64(mem.get(), out, Math.round(this.now() * 1e6));
        return ERRNO_SUCCESS;
      },
      poll_oneoff: (subs: number, events: number, nsubs: number, neventsOut: number): number => {
        if (nsubs === 0) return ERRNO_INVAL;
        this.pollCalls++;
        const view = mem.get();
        const scan = this.scan;
        if (this.readyList !== null) this.readyList.scan(view, this.fds, subs, events, this, scan);
        else scanSubscriptions(view, this.fds, subs, events, nsubs, this, scan);
        let count = scan.count;
        if (count === 0 && this.onNothingReady(scan.clockMs) && scan.clockAt >= 0) {
          writeEventAt(view, events, scan.clockAt, EVENTTYPE_CLOCK, ERRNO_SUCCESS, 0, 0);
          count = 1;
        }
        view.setUint32(neventsOut, count, true);
        return ERRNO_SUCCESS;
      },
    };
  }
}
