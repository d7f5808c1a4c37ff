// The host `run()` and `new EventLoop()` use when none is given: the non-blocking JavaScript
// host (real clock, readiness from the runtime's own event loop), on Node, Deno and browsers.

import type { Host } from "./host.js";
import { NodeHost } from "./node-host.js";

let factory: () => Host = () => new NodeHost();

/** A new default host for this runtime. */
export function defaultHost(): Host {
  return factory();
}

/** Replaces the default host factory (the I/O layer installs its socket-capable host). */
export function setDefaultHostFactory(make: () => Host): void {
  factory = make;
}
