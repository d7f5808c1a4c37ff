// The host `run()` and `new EventLoop()` use when none is given: the non-blocking JavaScript
// host (real clock, sockets as fds, readiness from the runtime's own event loop), on Node, Deno
// and browsers (where sockets are unavailable).

import type { Host } from "./host.js";
import { NodeHost } from "./node/node-host.js";

/** A new default host for this runtime. */
export function defaultHost(): Host {
  return new NodeHost();
}
