// The socket-capable host behind a loop, or a clear error saying why there is none.

import { isSocketHost, type SocketHostApi } from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import type { Future } from "../../tasks/future.js";

/** The loop's host as a SocketHostApi; throws an Error when the host has no sockets. */
export function socketHostOf(loop: EventLoop): SocketHostApi {
  const host = loop.host;
  if (!isSocketHost(host)) {
    throw new Error(
      `streams need a host with sockets; this loop's host "${host.name}" has none (use run() with the default host, or a NodeHost)`,
    );
  }
  return host;
}

/** True when the host's sockets are simulated (no runtime permission is needed for them). */
export function isSimulated(host: SocketHostApi): boolean {
  return (host as { simulated?: boolean }).simulated === true;
}

/** Resolves when `fd` is writable (a connect or a bind finished); removes the writer after. */
export function* waitWritable(loop: EventLoop, fd: number): Coroutine<void> {
  const fut = loop.createFuture<void>();
  loop.addWriter(fd, settle, fut);
  try {
    yield* fut;
  } finally {
    loop.removeWriter(fd);
  }
}

function settle(fut: Future<void>): void {
  if (!fut.done()) fut.setResult(undefined);
}
