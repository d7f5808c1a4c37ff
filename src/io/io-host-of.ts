// The host behind a loop as an IoHostApi (child processes, TLS, UDP, Unix sockets), or a clear
// error saying why there is none.

import { isIoHost, type IoHostApi } from "../hosts/io-api.js";
import type { EventLoop } from "../loop/event-loop.js";

/** The loop's host as an IoHostApi; throws an Error naming `what` when the host has none. */
export function ioHostOf(loop: EventLoop, what: string): IoHostApi {
  const host = loop.host;
  if (!isIoHost(host))
    throw new Error(
      `${what} need a host that has them; this loop's host "${host.name}" has none (use run() with the default host, or a NodeHost)`,
    );
  return host;
}
