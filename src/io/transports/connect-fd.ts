// Waiting for a non-blocking connect or bind of a host fd: the fd becomes writable when it has
// finished; the host's sockError then says whether it failed. The fd is closed when it fails or
// when the waiting task is cancelled, so no fd is left behind.

import type { SocketHostApi } from "../../hosts/node/socket-host.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { socketError } from "../streams/socket-errors.js";
import { waitWritable } from "../streams/socket-host-of.js";

/** Waits until `fd` finished connecting (or binding); throws the socket error with its `code`. */
export function* settledFd(loop: EventLoop, host: SocketHostApi, fd: number, syscall: string, address?: string, port?: number): Coroutine<number> {
  let ok = false;
  try {
    yield* waitWritable(loop, fd);
    const code = host.sockError(fd);
    if (code !== null) {
      const err = socketError(code, syscall, address, port);
      const detail = (host as { sockErrorDetail?(fd: number): unknown }).sockErrorDetail?.(fd);
      if (detail instanceof Error && detail.message && !detail.message.startsWith(syscall)) err.message += ` (${detail.message})`;
      throw err;
    }
    ok = true;
    return fd;
  } finally {
    if (!ok) host.fdClose(fd);
  }
}
