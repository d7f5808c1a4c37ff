// A scheduled callback: what `callSoon`, `callLater`/`callAt` and `addReader`/`addWriter` return.
// AssemblyScript has no closures, so a callback is a plain function reference plus one user-data
// word given back to it on every call (an index, or the address of an object the program keeps
// reachable by itself).

/** A timer or `callSoon` callback: gets its user data. */
export type Callback = (data: usize) => void;

/**
 * An fd callback: gets the fd, the WASI errno of the event (0 when the fd is ready; non-zero when
 * the provider reported trouble with this fd, e.g. 8 EBADF), and its user data.
 */
export type FdCallback = (fd: i32, error: i32, data: usize) => void;

function noCallback(data: usize): void {}
function noFdCallback(fd: i32, error: i32, data: usize): void {}

export class Handle {
  /** Set by `cancel` (and by removing the fd's callback): the callback will not run. */
  cancelled: bool = false;
  /** The core's timer id while a timer is pending, else -1. */
  timerId: i32 = -1;
  /** For fd handles: the fd, and the errno of the event being dispatched. */
  fd: i32 = -1;
  error: i32 = 0;

  constructor(
    readonly callback: Callback,
    readonly fdCallback: FdCallback,
    readonly data: usize,
  ) {}

  static soon(callback: Callback, data: usize): Handle {
    return new Handle(callback, noFdCallback, data);
  }

  static forFd(fd: i32, callback: FdCallback, data: usize): Handle {
    const h = new Handle(noCallback, callback, data);
    h.fd = fd;
    return h;
  }

  /** Runs the callback (unless cancelled). */
  fire(): void {
    if (this.cancelled) return;
    if (this.fd >= 0) {
      const f = this.fdCallback;
      f(this.fd, this.error, this.data);
    } else {
      const f = this.callback;
      f(this.data);
    }
  }
}
