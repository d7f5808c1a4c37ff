// onHost: runs a coroutine "on" a simulated host, so the connections it opens leave from that
// host's address. Every simulated host shares one event loop; the network takes a connection's
// source from `clientAddress` at the moment `connect` is called, which is always inside one step
// of some coroutine. onHost delegates to the coroutine step by step (as `yield*` does) and sets
// `clientAddress` to its address around each step, so tasks on different hosts interleave freely
// and each connects from its own address.

import { describe } from "../checks.js";
import { VirtualHost } from "../hosts/virtual-host.js";
import { getRunningLoop } from "../loop/running.js";
import type { Coroutine } from "../tasks/coroutine.js";

/** Runs `coro` as simulated host `address` (its connections leave from that address). */
export function onHost<T>(address: string, coro: Coroutine<T>): Coroutine<T> {
  if (typeof address !== "string" || address === "")
    throw new TypeError(`onHost() needs an address, got ${describe(address)}`);
  if (
    coro === null ||
    typeof coro !== "object" ||
    typeof (coro as Coroutine<T>).next !== "function" ||
    typeof (coro as Coroutine<T>).throw !== "function"
  ) {
    throw new TypeError(`onHost() needs a coroutine (a generator object), got ${describe(coro)}`);
  }
  return stepAs(address, coro);
}

function* stepAs<T>(address: string, coro: Coroutine<T>): Coroutine<T> {
  const host = getRunningLoop().host;
  if (!(host instanceof VirtualHost))
    throw new Error(`onHost() needs a loop on a VirtualHost, not on host "${host.name}"`);
  const world = host.network;
  let input: unknown;
  let error: unknown;
  let failed = false;
  for (;;) {
    const prev = world.clientAddress;
    world.clientAddress = address;
    let step: IteratorResult<unknown, T>;
    try {
      step = failed ? coro.throw(error) : coro.next(input);
    } finally {
      world.clientAddress = prev;
    }
    if (step.done) return step.value;
    try {
      input = yield step.value as never;
      failed = false;
    } catch (e) {
      error = e;
      failed = true;
    }
  }
}
