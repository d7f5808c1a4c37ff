// The host timer behind a non-blocking host's waits. Node's and Deno's setTimeout keep millisecond
// precision, and are used as is. A browser clamps nested timeouts to at least 4 ms (the HTML
// timer rules, from the fifth level on), which would stretch every short sleep of a loop — whose
// waits are all nested — to 4 ms. In a runtime without Node's built-in modules (a browser, a Web
// Worker), waits therefore go through:
//   - `scheduler.postTask(…, { delay })` where it exists (Chromium, Firefox): delayed tasks have
//     no nesting clamp, and the thread sleeps meanwhile;
//   - otherwise a MessageChannel for the last SHORT_WAIT_MS of a wait, reading the clock on each
//     turn: sub-millisecond precision, the page still renders and handles input between turns, at
//     the price of a busy thread for at most SHORT_WAIT_MS per wait; the first part of a longer
//     wait is an ordinary setTimeout.

/** The tail of a wait served by MessageChannel turns in a browser (ms). */
const SHORT_WAIT_MS = 5;

interface Pending {
  at: number;
  fire: () => void;
}

interface PostTaskScheduler {
  postTask(task: () => void, options: { delay: number; signal: AbortSignal }): Promise<unknown>;
}

/** How this runtime waits: decided on first use. */
let mode: "timeout" | "postTask" | "spin" | null = null;
let channel: MessageChannel | null = null;
let pending: Pending[] = [];
let posted = false;

function scheduler(): PostTaskScheduler | undefined {
  return (globalThis as { scheduler?: PostTaskScheduler }).scheduler;
}

function waitMode(): "timeout" | "postTask" | "spin" {
  const proc = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
  if (typeof proc?.getBuiltinModule === "function") return "timeout";
  if (typeof scheduler()?.postTask === "function" && typeof AbortController === "function") return "postTask";
  return typeof MessageChannel === "function" ? "spin" : "timeout";
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
  mode ??= waitMode();
  if (mode === "timeout" || ms > 0x7fffffff) {
    const timer = setTimeout(fire, Math.min(Math.ceil(ms), 0x7fffffff));
    return () => clearTimeout(timer);
  }
  if (mode === "postTask") {
    const abort = new AbortController();
    // The delay is truncated to whole ms: an early wake-up only makes the loop poll again for the
    // remainder (timers never fire early), where rounding up would make every short sleep late.
    scheduler()!
      .postTask(fire, { delay: ms, signal: abort.signal })
      .catch(() => {}); // aborted
    return () => abort.abort();
  }
  const entry: Pending = { at: performance.now() + ms, fire };
  let timer: ReturnType<typeof setTimeout> | null = null;
  if (ms > SHORT_WAIT_MS)
    timer = setTimeout(
      () => {
        timer = null;
        spin(entry);
      },
      Math.floor(ms - SHORT_WAIT_MS),
    );
  else spin(entry);
  return () => {
    if (timer !== null) clearTimeout(timer);
    pending = pending.filter((p) => p !== entry);
  };
}
