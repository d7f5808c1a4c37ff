// A simulated listening socket: the connections the network set up for it wait in its accept
// queue (at most `backlog`; more are refused, as a full SYN queue would), and it is readable while
// one waits. A bind that failed (EADDRINUSE) keeps its errno for `sockError`.

import type { Resource } from "../fd-table.js";
import type { SockAddr } from "../socket-api.js";
import type { SimSocket } from "./sim-socket.js";

export interface ListenerOwner {
  _listenerClosed(l: SimListener): void;
}

export class SimListener implements Resource {
  fd = -1;
  readonly pending: SimSocket[] = [];
  errno = 0;
  code: string | null = null;

  constructor(
    private readonly owner: ListenerOwner,
    readonly address: SockAddr,
    readonly backlog: number,
  ) {}

  readReady(): boolean {
    return this.pending.length > 0;
  }
  writeReady(): boolean {
    return true;
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
    this.owner._listenerClosed(this);
  }
}
