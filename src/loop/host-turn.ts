// Giving the host runtime one turn of its own event loop (a macrotask), so its I/O callbacks
// and timers run between bursts of wasio iterations. setImmediate where it exists (Node, Bun),
// a MessageChannel elsewhere (Deno, browsers: no 4 ms clamping), setTimeout as the last resort.

let turn: () => Promise<void>;

if (typeof (globalThis as any).setImmediate === "function") {
  const si = (globalThis as any).setImmediate as (cb: () => void) => void;
  turn = () => new Promise((resolve) => si(resolve));
} else if (typeof MessageChannel === "function") {
  const waiting: (() => void)[] = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => waiting.shift()?.();
  // An open port keeps Deno alive; unref where possible, and only post while someone waits.
  (channel.port1 as any).unref?.();
  turn = () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    });
} else {
  turn = () => new Promise((resolve) => setTimeout(resolve, 0));
}

/** Resolves after one macrotask of the host runtime. */
export function hostTurn(): Promise<void> {
  return turn();
}
