// Eager argument checks shared by the public API: wrong types throw TypeError, out-of-range
// numbers throw RangeError, at the call and in every mode. A leaf module (like errors.ts) that
// any layer may use; checks of one layer's concepts extend it there (hosts/socket-api.ts,
// tasks/arguments.ts, sync/checks.ts).

export function checkCallback(cb: unknown, what = "callback"): void {
  if (typeof cb !== "function") throw new TypeError(`${what} must be a function, got ${describe(cb)}`);
}

/** Checks a delay or deadline in ms: a finite number (negative is allowed and means "now"). */
export function checkTime(ms: unknown, what = "delay"): void {
  if (typeof ms !== "number") throw new TypeError(`${what} must be a number of milliseconds, got ${describe(ms)}`);
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be finite, got ${ms}`);
}

/** Checks a file descriptor: a non-negative integer. */
export function checkFd(fd: unknown): void {
  if (typeof fd !== "number") throw new TypeError(`fd must be a non-negative integer, got ${describe(fd)}`);
  if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`fd must be a non-negative integer, got ${fd}`);
}

/** Checks an optional loop argument: undefined, or an event loop (TypeError otherwise). */
export function checkLoopArg(loop: unknown, what = "loop"): void {
  if (loop === undefined) return;
  const l = loop as { _tasks?: unknown; _soon?: unknown } | null;
  if (typeof l !== "object" || l === null || typeof l._soon !== "function" || typeof l._tasks !== "object") {
    throw new TypeError(`${what} must be an EventLoop, got ${describe(loop)}`);
  }
}

const HOST_METHODS = [
  "now",
  "wasiImports",
  "idle",
  "wakeup",
  "wakeupPending",
  "drainWakeup",
  "isOpen",
  "close",
] as const;

/** Checks that `host` has the members of a Host (a TypeError names the first one missing). */
export function checkHost(host: unknown): void {
  if (typeof host !== "object" || host === null)
    throw new TypeError(`host must be a Host (a VirtualHost, a NodeHost…), got ${describe(host)}`);
  const h = host as Record<string, unknown>;
  for (const m of HOST_METHODS)
    if (typeof h[m] !== "function") throw new TypeError(`host must be a Host: its ${m}() is missing`);
  if (typeof h.wakeupFd !== "number") throw new TypeError("host must be a Host: its wakeupFd is missing");
  if (typeof h.canBlock !== "boolean") throw new TypeError("host must be a Host: its canBlock is missing");
}

/** A short description of a value for messages ("number 3", "Map", "function f"); never throws. */
export function describe(x: unknown): string {
  try {
    if (x === null) return "null";
    if (typeof x === "function") return `function ${x.name || "(anonymous)"}`;
    if (typeof x === "object") return String((x as object).constructor?.name ?? "object");
    return `${typeof x} ${String(x)}`;
  } catch {
    return typeof x;
  }
}
