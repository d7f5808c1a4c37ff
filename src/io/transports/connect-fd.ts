// Waiting for a non-blocking connect or bind of a host fd: the fd becomes writable when it has
// finished (a TLS connection: its handshake); the host's sockError then says whether it failed.
// The fd is closed when it fails, times out, or the waiting task is cancelled: none is left behind.

import type { SocketHostApi } from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { socketError } from "../streams/socket-errors.js";
import type { TimerHandle } from "../../loop/handle.js";
import { Future } from "../../tasks/future.js";

/**
 * Waits until `fd` finished connecting (or binding); throws the socket error with its `code`.
 * With `timeoutMs`, a connect (a TLS handshake) still unfinished by then fails with ECONNABORTED.
 */
export function* settledFd(
  loop: EventLoop,
  host: SocketHostApi,
  fd: number,
  syscall: string,
  address?: string,
  port?: number,
  timeoutMs?: number,
): Coroutine<number> {
  let ok = false;
  let timer: TimerHandle | null = null;
  let timedOut = false;
  try {
    const fut = new Future<void>(loop);
    loop.addWriter(fd, settle, fut);
    if (timeoutMs !== undefined)
      timer = loop.callLater(timeoutMs, () => {
        timedOut = true;
        settle(fut);
      });
    try {
      yield* fut;
    } finally {
      loop.removeWriter(fd);
      timer?.cancel();
    }
    if (timedOut) {
      const err = socketError("ECONNABORTED", syscall, address, port);
      err.message = `TLS handshake is taking longer than ${timeoutMs} ms: aborting the connection`;
      throw err;
    }
    const code = host.sockError(fd);
    if (code !== null) {
      const err = socketError(code, syscall, address, port);
      const detail = (host as { sockErrorDetail?(fd: number): unknown }).sockErrorDetail?.(fd);
      if (detail instanceof Error && detail.message && !detail.message.startsWith(syscall))
        err.message += ` (${detail.message})`;
      throw err;
    }
    ok = true;
    return fd;
  } finally {
    if (!ok) host.fdClose(fd);
  }
}

function settle(fut: Future<void>): void {
  if (!fut.done()) fut.setResult(undefined);
}
