// addSignalHandler / removeSignalHandler (asyncio's loop.add_signal_handler): a signal becomes an
// ordinary loop callback. The host runtime's signal listener does nothing but post the handler's
// Handle with `loop._soonThreadsafe`, which wakes a waiting loop through its wake-up fd — the
// self-pipe trick — so the handler runs in a loop pass, like any `callSoon` callback: it may touch
// loop state, and what it throws goes to the loop's exception handler.
//
// One handler per signal and loop: a new one replaces the old. Removing the handler (or closing
// the loop, which removes them all) takes wasio's listener off the process, which restores the
// runtime's default behaviour for the signal unless something else listens to it.
//
// Supported where signals exist: Node and Deno, main thread, on a host that does not block
// (NodeHost and the like). Elsewhere `addSignalHandler` throws.

import type { EventLoop } from "../../loop/event-loop.js";
import { Handle, runHandle } from "../../loop/handle.js";
import { checkCallback } from "../../checks.js";
import { checkCatchableSignal, checkSignalName } from "./signal-names.js";
import { signalProcessFor, type SignalProcess } from "./signal-process.js";

interface Installed {
  readonly handle: Handle;
  readonly listener: () => void;
  readonly proc: SignalProcess;
}

const installed = new WeakMap<EventLoop, Map<string, Installed>>();

/** Runs `cb(...args)` on `loop` each time the process receives `sig`; replaces a previous handler. */
export function addSignalHandler(loop: EventLoop, sig: string, cb: (...args: any[]) => unknown, args: unknown[]): void {
  checkCatchableSignal(sig);
  checkCallback(cb);
  if (isGeneratorFunction(cb))
    throw new TypeError("a coroutine function cannot be a signal handler: create a task from a plain function instead");
  if (loop.isClosed()) throw new Error("Event loop is closed");
  const proc = signalProcessFor(loop);
  if (proc === null) {
    throw new Error(
      `signal handlers are not supported here (host ${loop.host.name}; they need Node or Deno, the main thread and a host that does not block)`,
    );
  }
  let table = installed.get(loop);
  if (table === undefined) {
    installed.set(loop, (table = new Map()));
    loop._closeHooks.push(() => removeAll(loop));
  }
  const handle = new Handle(cb, loop);
  handle._setArgs(args, 0);
  const listener = (): void => loop._soonThreadsafe(runHandle, handle);
  try {
    proc.on(sig, listener);
  } catch (error) {
    throw new RangeError(`cannot handle ${sig}: ${(error as Error)?.message ?? error}`);
  }
  const prev = table.get(sig);
  if (prev !== undefined) uninstall(sig, prev);
  table.set(sig, { handle, listener, proc });
}

/** Removes the handler for `sig`; returns false if there was none. */
export function removeSignalHandler(loop: EventLoop, sig: string): boolean {
  checkSignalName(sig);
  const table = installed.get(loop);
  const entry = table?.get(sig);
  if (entry === undefined) return false;
  table!.delete(sig);
  uninstall(sig, entry);
  return true;
}

function removeAll(loop: EventLoop): void {
  const table = installed.get(loop);
  if (table === undefined) return;
  for (const [sig, entry] of table) uninstall(sig, entry);
  table.clear();
}

function uninstall(sig: string, entry: Installed): void {
  entry.proc.off(sig, entry.listener);
  entry.handle.cancel();
}

function isGeneratorFunction(fn: unknown): boolean {
  return Object.prototype.toString.call(fn) === "[object GeneratorFunction]";
}
