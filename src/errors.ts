// wasio's errors, one class per asyncio exception, each with its own `name`.
//
// Python splits its exceptions into Exception and BaseException; asyncio treats the second kind
// apart. Here every error is a JS `Error`, and `BaseException` marks the few that are not an
// "Exception" in Python's sense: CancelledError, KeyboardInterrupt, SystemExit, user subclasses,
// and a BaseExceptionGroup that holds one of them. The rules that follow from it:
//   - KeyboardInterrupt and SystemExit raised by a task end the task with that exception and then
//     escape the loop: `run()` (or `runUntilComplete`) throws them; an exception handler never
//     sees them. Any other error of a callback or task is reported and the loop goes on.
//   - a TaskGroup re-raises KeyboardInterrupt or SystemExit as it is, not inside a group;
//   - an ExceptionGroup cannot hold a base exception (BaseExceptionGroup can).
// Mapping of Python's built-in exceptions: ValueError is a RangeError (a TypeError when the type
// is wrong), RuntimeError a plain Error.

export { BaseExceptionGroup, ExceptionGroup, exceptStar, type ErrorMatcher } from "./exception-group.js";

/** An error that is not an "Exception" in Python's sense (Python's BaseException). */
export class BaseException extends Error {
  override name = "BaseException";
  constructor(message?: string) {
    super(message ?? "");
  }
}

/** The program was interrupted (Python's KeyboardInterrupt; `run()` throws it after SIGINT). */
export class KeyboardInterrupt extends BaseException {
  override name = "KeyboardInterrupt";
}

/** The program asked to exit (Python's SystemExit); `code` is the exit status. */
export class SystemExit extends BaseException {
  override name = "SystemExit";
  /** The exit status (0 when none was given). */
  readonly code: number;
  constructor(code = 0, message?: string) {
    super(message ?? String(code));
    this.code = code;
  }
}

/** True for KeyboardInterrupt and SystemExit: what escapes the loop and TaskGroups unwrapped. */
export function isExitException(e: unknown): boolean {
  return e instanceof KeyboardInterrupt || e instanceof SystemExit;
}

/** The operation was cancelled (asyncio.CancelledError, a BaseException as in Python 3.8+). */
export class CancelledError extends BaseException {
  override name = "CancelledError";
}

/** A deadline passed (asyncio.TimeoutError, the builtin TimeoutError). */
export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** A Future or Task was used in a state that does not allow it. */
export class InvalidStateError extends Error {
  override name = "InvalidStateError";
}

/** `getNowait()` on an empty queue. */
export class QueueEmpty extends Error {
  override name = "QueueEmpty";
}

/** `putNowait()` on a full queue. */
export class QueueFull extends Error {
  override name = "QueueFull";
}

/** A queue operation after `shutdown()`. */
export class QueueShutDown extends Error {
  override name = "QueueShutDown";
}

/** A Barrier was reset or aborted while waiting, or is broken. */
export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError";
}

/** End of stream before the expected bytes arrived. */
export class IncompleteReadError extends Error {
  override name = "IncompleteReadError";
  /** The bytes read before the end of the stream. */
  readonly partial: Uint8Array;
  /** How many bytes were expected (null when reading up to a separator). */
  readonly expected: number | null;
  constructor(partial: Uint8Array, expected: number | null) {
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
    super(message);
    this.consumed = consumed;
  }
}

/** Makes a CancelledError without capturing a stack trace (cancellation is a hot path). */
export function cheapCancelledError(message: string | null | undefined): CancelledError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CancelledError(message ?? undefined);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
