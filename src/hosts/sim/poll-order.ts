// The order of one poll's events under simulation. asyncio promises nothing about which of
// several ready fds is served first, so with a seed the VirtualHost shuffles the events of each
// poll_oneoff (the core then queues their callbacks in that order); with or without one, the
// order is mixed into the trace, so two runs that served fds differently have different hashes.
// Timers are not events here (the core pops them from its heap), so their order never changes.

import { EVENT_SIZE } from "../wasi-abi.js";
import type { SimNetwork } from "./sim-network.js";
import { Ev } from "./sim-trace.js";

/**
 * With a seed, shuffles the fd events of one poll (which of several ready fds comes first is
 * not ordered by asyncio); then mixes their order into the trace.
 */
export function perturbAndTrace(sim: SimNetwork, view: DataView, events: number, count: number, now: number): void {
  if (count === 0) return;
  if (sim.seed !== null && count > 1) {
    for (let i = count - 1; i > 0; i--) {
      const j = sim.random.int(i + 1);
      if (j !== i) swapEvents(view, events + i * EVENT_SIZE, events + j * EVENT_SIZE);
    }
  }
  let a = 0,
    b = 0;
  for (let i = 0; i < count; i++) {
    const ud = view.getUint32(events + i * EVENT_SIZE, true);
    a = (Math.imul(a, 31) + ud) | 0;
    b = (b + view.getUint8(events + i * EVENT_SIZE + 10)) | 0;
  }
  sim.trace.add(now, Ev.poll, count, a, b);
}

function swapEvents(view: DataView, x: number, y: number): void {
  for (let k = 0; k < EVENT_SIZE; k += 4) {
    const t = view.getUint32(x + k, true);
    view.setUint32(x + k, view.getUint32(y + k, true), true);
    view.setUint32(y + k, t, true);
  }
}
