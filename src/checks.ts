// Eager argument checks shared by every layer (a leaf module, like errors.ts): wrong types throw
// TypeError, out-of-range numbers throw RangeError, at the call and in every mode. Checks that
// belong to one layer's concepts extend this family there (sync/checks.ts, tasks/arguments.ts).

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

/** Checks a host name or address for connect(): a non-empty string. */
export function checkConnectHost(host: string): void {
  if (typeof host !== "string" || host === "") throw new TypeError(`connect() needs a host name or address, got ${String(host)}`);
}

/** Checks a host address for listen(): a non-empty string, or null for every interface. */
export function checkListenHost(host: string | null): void {
  if (host !== null && (typeof host !== "string" || host === "")) throw new TypeError(`listen() needs a host address or null, got ${String(host)}`);
}

/** Checks a port: an integer in [0, 65535]; `shown` is how the caller's value is named in the message. */
export function checkPort(port: number, shown: unknown = port): void {
  if (typeof port !== "number") throw new TypeError(`port must be an integer in [0, 65535], got ${typeof port} ${String(port)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in [0, 65535], got ${shown}`);
}

/** Checks a listen backlog: a non-negative integer. */
export function checkBacklog(backlog: number): void {
  if (typeof backlog !== "number") throw new TypeError(`backlog must be a non-negative integer, got ${typeof backlog} ${String(backlog)}`);
  if (!Number.isInteger(backlog) || backlog < 0) throw new RangeError(`backlog must be a non-negative integer, got ${backlog}`);
}
