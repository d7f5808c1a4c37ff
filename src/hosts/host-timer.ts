// The host timer behind a non-blocking host's waits. Node's and Deno's setTimeout keep millisecond
// precision, and are used as is. A browser clamps nested timeouts to at least 4 ms (the HTML
// timer rules, from the fifth level on), which would stretch every short sleep of a loop — whose
// waits are all nested — to 4 ms. There (a runtime without Node's built-in modules but with a
// MessageChannel), the last SHORT_WAIT_MS of a wait are served by MessageChannel turns that read
// the clock each time: sub-millisecond precision, and the page still renders and handles input
// between turns, at the price of a busy thread for at most SHORT_WAIT_MS per wait. The first part
// of a longer wait is an ordinary setTimeout.

/** The tail of a wait served by MessageChannel turns in a browser (ms). */
export const SHORT_WAIT_MS = 5;

interface Pending {
  at: number;
  fire: () => void;
}

let spins: boolean | null = null;
let channel: MessageChannel | null = null;
let pending: Pending[] = [];
let posted = false;

function browserLike(): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
  return typeof MessageChannel === "function" && typeof proc?.getBuiltinModule !== "function";
}

function onTurn(): void {
  posted = false;
  const now = performance.now();
  const due = pending.filter((p) => p.at <= now);
  if (due.length > 0) pending = pending.filter((p) => p.at > now);
  if (pending.length > 0) post();
  for (const p of due) p.fire();
}

function post(): void {
  if (posted) return;
  posted = true;
  if (channel === null) {
    channel = new MessageChannel();
    channel.port1.onmessage = onTurn;
  }
  channel.port2.postMessage(0);
}

function spin(p: Pending): void {
  pending.push(p);
  post();
}

/** Calls `fire` once after `ms` (>= 0); returns a function that cancels it. */
export function startHostTimer(ms: number, fire: () => void): () => void {
  spins ??= browserLike();
  if (!spins || ms > 0x7fffffff) {
    const timer = setTimeout(fire, Math.min(Math.ceil(ms), 0x7fffffff));
    return () => clearTimeout(timer);
  }
  const entry: Pending = { at: performance.now() + ms, fire };
  let timer: ReturnType<typeof setTimeout> | null = null;
  if (ms > SHORT_WAIT_MS) timer = setTimeout(() => { timer = null; spin(entry); }, Math.floor(ms - SHORT_WAIT_MS));
  else spin(entry);
  return () => {
    if (timer !== null) clearTimeout(timer);
    pending = pending.filter((p) => p !== entry);
  };
}
