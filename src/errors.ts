// wasio's errors, one class per asyncio exception, each with its own `name`.

/** The operation was cancelled (asyncio.CancelledError). */
export class CancelledError extends Error {
  override name = "CancelledError";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
  }
}

/**
 * A cancel message as text: asyncio accepts any object as one, so a value whose string
 * conversion fails (a Symbol, a throwing `toString`) is described instead of breaking the cancel.
 */
export function messageText(message: unknown): string {
  if (message === undefined || message === null) return "";
  if (typeof message === "string") return message;
  if (typeof message === "symbol") return message.toString();
  try {
    return String(message);
  } catch {
    try {
      return `<unprintable ${Object.prototype.toString.call(message)}>`;
    } catch {
      return "<unprintable>";
    }
  }
}

/** A deadline passed (asyncio.TimeoutError, the builtin TimeoutError). */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
  }
}

/** A Future or Task was used in a state that does not allow it. */
export class InvalidStateError extends Error {
  override name = "InvalidStateError";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
  }
}

/** `getNowait()` on an empty queue. */
export class QueueEmpty extends Error {
  override name = "QueueEmpty";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
  }
}

/** `putNowait()` on a full queue. */
export class QueueFull extends Error {
  override name = "QueueFull";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
  }
}

/** A queue operation after `shutdown()`. */
export class QueueShutDown extends Error {
  override name = "QueueShutDown";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
  }
}

/** A Barrier was reset or aborted while waiting, or is broken. */
export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
  }
}

/** End of stream before the expected bytes arrived. */
export class IncompleteReadError extends Error {
  override name = "IncompleteReadError";
  /** The bytes read before the end of the stream. */
  readonly partial: Uint8Array;
  /** How many bytes were expected (null when reading up to a separator). */
  readonly expected: number | null;
  constructor(partial: Uint8Array, expected: number | null) {
    if (!(partial instanceof Uint8Array)) throw new TypeError("IncompleteReadError needs the partial bytes (a Uint8Array)");
    if (expected !== null && expected !== undefined && (typeof expected !== "number" || !(expected >= 0))) {
      throw new TypeError(`IncompleteReadError's expected must be a count of bytes or null, got ${messageText(expected)}`);
    }
    expected ??= null;
    super(`${partial.length} bytes read on a total of ${expected === null ? "undefined" : expected} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}

/** A separator was not found within the stream's buffer limit. */
export class LimitOverrunError extends Error {
  override name = "LimitOverrunError";
  /** How many bytes of the buffer the separator search consumed. */
  readonly consumed: number;
  constructor(message: string, consumed: number) {
    super(messageText(message));
    this.consumed = consumed;
  }
}

/** Several errors at once (Python's ExceptionGroup): what a TaskGroup throws. */
export class ExceptionGroup extends AggregateError {
  override name = "ExceptionGroup";
  constructor(message: string, errors: Iterable<unknown>) {
    if (typeof message !== "string") throw new TypeError(`an ExceptionGroup's message must be a string, got ${typeof message}`);
    if (errors === null || typeof errors !== "object" && typeof errors !== "string" || typeof (errors as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TypeError("an ExceptionGroup needs an iterable of errors");
    }
    super([...errors], message);
  }
  /** The errors (alias of `errors`, as Python's `exceptions`). */
  get exceptions(): unknown[] {
    return this.errors;
  }
}

/** Makes a CancelledError without capturing a stack trace (cancellation is a hot path). */
export function cheapCancelledError(message: unknown): CancelledError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CancelledError(message ?? undefined);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
