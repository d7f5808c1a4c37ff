// The fd table of a host: small integers naming host resources (pipes, sockets, listeners, the
// wake-up fd), as WASI names them. Readiness is level-triggered: a resource reports what is true
// now, every time it is asked. Numbers start at 3 (0–2 are stdio in WASI) and the lowest free
// number is reused first, as POSIX does.

/** A host object behind an fd, as `poll_oneoff` sees it. */
export interface Resource {
  /** The fd this resource has in its table (set by `FdTable.open`), -1 when not in one. */
  fd: number;
  /** True when a read would not return EAGAIN (data, EOF or an error is pending). */
  readReady(): boolean;
  /** True when a write would not return EAGAIN. */
  writeReady(): boolean;
  /** Bytes available to read now (0 when unknown). */
  readableBytes(): number;
  /** True once the peer has hung up (reported with fd events as the hangup flag). */
  hungUp(): boolean;
  /** A pending WASI errno to report with the next event (0 if none); reporting clears it. */
  takeError(): number;
  /** Releases the resource; called once, by `FdTable.close`. */
  close(): void;
}

export class FdTable {
  private readonly slots: (Resource | undefined)[] = [];
  private readonly free: number[] = []; // kept sorted descending: pop() gives the lowest

  /** Puts `res` in the table and returns its fd. */
  open(res: Resource): number {
    let fd: number;
    if (this.free.length > 0) fd = this.free.pop()!;
    else {
      fd = this.slots.length + 3;
    }
    this.slots[fd - 3] = res;
    res.fd = fd;
    return fd;
  }

  /** The resource behind `fd`; undefined for anything but an open fd (any value is accepted). */
  get(fd: number): Resource | undefined {
    return typeof fd === "number" ? this.slots[fd - 3] : undefined;
  }

  /** Closes `fd`; returns false if it was not open. */
  close(fd: number): boolean {
    const res = this.get(fd);
    if (res === undefined) return false;
    this.slots[fd - 3] = undefined;
    res.fd = -1;
    let i = this.free.length;
    this.free.push(fd);
    while (i > 0 && this.free[i - 1] < fd) {
      this.free[i] = this.free[i - 1];
      i--;
    }
    this.free[i] = fd;
    res.close();
    return true;
  }

  /** How many fd numbers the table spans (its size grows with the most fds open at once). */
  slotCount(): number {
    return this.slots.length;
  }

  /** Closes every open fd. */
  closeAll(): void {
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i]) this.close(i + 3);
  }
}
