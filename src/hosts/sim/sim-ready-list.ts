// The VirtualHost's ready list: the O(changed + ready) poll of ReadyList, for a host whose
// network reports every readiness change, plus "sticky" fds that are checked on every poll
// whatever happened — the in-memory pipes, whose ends change state through many paths that do
// not report (a test writing to one end, a fault injected on the other).

import type { FdTable } from "../fd-table.js";
import type { PollScan } from "../poll-shim.js";
import { ReadyList } from "../ready-list.js";

export class SimReadyList extends ReadyList {
  private readonly sticky = new Set<number>();

  /** Checks `fd` on every poll from now on. */
  stick(fd: number): void {
    this.sticky.add(fd);
    this.touch(fd);
  }

  override scan(view: DataView, table: FdTable, subs: number, events: number, nowMs: number, out: PollScan): void {
    for (const fd of this.sticky) {
      if (table.get(fd) === undefined) this.sticky.delete(fd);
      this.touch(fd);
    }
    super.scan(view, table, subs, events, nowMs, out);
  }
}
