// The VirtualHost's ready list: the O(changed + ready) poll of ReadyList, for a host whose
// network reports every readiness change, plus "sticky" fds that are checked on every poll
// whatever happened — the in-memory pipes, whose ends change state through many paths that do
// not report (a test writing to one end, a fault injected on the other).

import type { FdTable, Resource } from "../fd-table.js";
import type { PollScan, ScanClock } from "../poll-shim.js";
import { ReadyList } from "../ready-list.js";
import { SimListener } from "./sim-listener.js";
import { SimSocket } from "./sim-socket.js";

export class SimReadyList extends ReadyList {
  private readonly sticky = new Set<number>();

  /** Checks `fd` on every poll from now on. */
  stick(fd: number): void {
    this.sticky.add(fd);
    this.touch(fd);
  }

  /** True when a scan now might report an fd (a sticky fd might, whatever its state). */
  override mayReport(table: FdTable): boolean {
    return this.sticky.size > 0 || super.mayReport(table);
  }

  /** The network's sockets and listeners are judged by their readiness (it has no side effect). */
  protected override mayBeReady(res: Resource | undefined, mask: number): boolean {
    if (!(res instanceof SimSocket || res instanceof SimListener)) return true;
    return ((mask & 1) !== 0 && res.readReady()) || ((mask & 2) !== 0 && res.writeReady()) || res.hungUp();
  }

  override scan(view: DataView, table: FdTable, subs: number, events: number, clock: ScanClock, out: PollScan): void {
    if (this.sticky.size > 0) this.touchSticky(table);
    super.scan(view, table, subs, events, clock, out);
  }

  private touchSticky(table: FdTable): void {
    for (const fd of this.sticky) {
      if (table.get(fd) === undefined) this.sticky.delete(fd);
      this.touch(fd);
    }
  }
}
