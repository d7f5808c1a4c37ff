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

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "function") return `function ${x.name || "(anonymous)"}`;
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return `${typeof x} ${String(x)}`;
}
