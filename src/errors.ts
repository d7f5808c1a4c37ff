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

/** An error that is not an "Exception" in Python's sense (Python's BaseException). */
export class BaseException extends Error {
  override name = "BaseException";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
  }
}

/**
 * A cancel message as text: asyncio accepts any object as one, so a value whose string
 * conversion fails (a Symbol, a throwing `toString`) is described instead of breaking the cancel.
 */
export function messageText(message: unknown): string {
  return message === undefined || message === null ? "" : safeString(message);
}

/** `String(x)`, or a description of what x is when that throws. Never throws. */
export function safeString(x: unknown): string {
  try {
    return String(x);
  } catch {
    try {
      return `<unprintable ${Object.prototype.toString.call(x)}>`;
    } catch {
      return "<unprintable>";
    }
  }
}

/** The program was interrupted (Python's KeyboardInterrupt; `run()` throws it after SIGINT). */
export class KeyboardInterrupt extends BaseException {
  override name = "KeyboardInterrupt";
}

/** The program asked to exit (Python's SystemExit); `code` is the exit status. */
export class SystemExit extends BaseException {
  override name = "SystemExit";
  /** The exit status (0 when none was given; Python allows any value). */
  readonly code: unknown;
  constructor(code: unknown = 0, message?: unknown) {
    super(message === undefined ? code : message);
    this.code = code;
  }
}

/** True for KeyboardInterrupt and SystemExit: what escapes the loop and TaskGroups unwrapped. */
export function isExitException(e: unknown): boolean {
  try {
    return e instanceof KeyboardInterrupt || e instanceof SystemExit;
  } catch {
    return false; // a Proxy whose prototype cannot be read is an ordinary error
  }
}

/** The operation was cancelled (asyncio.CancelledError, a BaseException as in Python 3.8+). */
export class CancelledError extends BaseException {
  override name = "CancelledError";
}

/**
 * The platform's sendfile cannot serve this transport or file (asyncio.SendfileNotAvailableError,
 * a RuntimeError): loop.sendfile with `fallback: false` throws it instead of copying by reads and
 * writes.
 */
export class SendfileNotAvailableError extends Error {
  override name = "SendfileNotAvailableError";
  constructor(message?: unknown, options?: ErrorOptions) {
    super(messageText(message), options);
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
    if (!(partial instanceof Uint8Array))
      throw new TypeError("IncompleteReadError needs the partial bytes (a Uint8Array)");
    if (expected !== null && expected !== undefined && (typeof expected !== "number" || !(expected >= 0))) {
      throw new TypeError(
        `IncompleteReadError's expected must be a count of bytes or null, got ${messageText(expected)}`,
      );
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

// ---------------------------------------------------------------- exception groups
//
// Exception groups: Python's BaseExceptionGroup and ExceptionGroup, with `split`, `subgroup`,
// `derive`, and `exceptStar`, which does for a thrown group what Python's `except*` clauses do.
//
// ExceptionGroup extends BaseExceptionGroup, which extends AggregateError (`errors` is the list,
// `exceptions` its Python name). An ExceptionGroup refuses base exceptions (TypeError), as
// Python's does; `BaseExceptionGroup.of(message, errors)` picks the narrowest class, as Python's
// BaseExceptionGroup constructor does. Groups nest; `split` and `subgroup` keep the nesting, and
// the groups they build are made by `derive` and carry the original's `cause` and `stack`.
//
// A matcher (`ErrorMatcher`) is an error class (anything whose prototype is an Error's), an array
// of them, or a predicate. A class matches by `instanceof`; a predicate is asked about every
// group and leaf, outermost first, as Python's is.

/** What `split`, `subgroup` and `exceptStar` match with: an error class, a list of them, or a predicate. */
export type ErrorMatcher =
  | (abstract new (
      ...args: any[]
    ) => unknown)
  | readonly (abstract new (
      ...args: any[]
    ) => unknown)[]
  | ((error: unknown) => boolean);

/** True for a base exception: a BaseException, or a BaseExceptionGroup that is not an ExceptionGroup. */
function isBaseException(e: unknown): boolean {
  return e instanceof BaseException || (e instanceof BaseExceptionGroup && !(e instanceof ExceptionGroup));
}

/** The errors of a new group as an array: a non-empty iterable (TypeError, RangeError otherwise). */
function errorList(errors: Iterable<unknown>): unknown[] {
  if (
    errors === null ||
    (typeof errors !== "object" && typeof errors !== "string") ||
    typeof (errors as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError("an exception group's second argument must be an iterable of errors");
  }
  const list = [...errors];
  if (list.length === 0) throw new RangeError("an exception group's second argument must be a non-empty sequence");
  return list;
}

/** Several errors at once, base exceptions allowed (Python's BaseExceptionGroup). */
export class BaseExceptionGroup extends AggregateError {
  override name = "BaseExceptionGroup";

  constructor(message: string, errors: Iterable<unknown>) {
    if (typeof message !== "string")
      throw new TypeError(`an exception group's message must be a string, got ${typeof message}`);
    super(errorList(errors), message);
  }

  /** A group of `errors`: an ExceptionGroup unless one of them is a base exception. */
  static of(message: string, errors: Iterable<unknown>): BaseExceptionGroup {
    const list = errorList(errors);
    return list.some(isBaseException) ? new BaseExceptionGroup(message, list) : new ExceptionGroup(message, list);
  }

  /** The errors (Python's name for `errors`). */
  get exceptions(): unknown[] {
    return this.errors;
  }

  /** A group like this one (same message) of other errors; subclasses override it to keep their class. */
  derive(errors: Iterable<unknown>): BaseExceptionGroup {
    return BaseExceptionGroup.of(this.message, errors);
  }

  /** The part of this group that matches, nesting kept; null when nothing does. */
  subgroup(matcher: ErrorMatcher): BaseExceptionGroup | null {
    return this.split(matcher)[0];
  }

  /** [what matches, the rest], each a group with the nesting kept, or null when empty. */
  split(matcher: ErrorMatcher): [BaseExceptionGroup | null, BaseExceptionGroup | null] {
    const test = toPredicate(matcher);
    if (test(this)) return [this, null];
    const matched: unknown[] = [];
    const rest: unknown[] = [];
    for (const e of this.errors) {
      if (e instanceof BaseExceptionGroup) {
        const [m, r] = e.split(test);
        if (m !== null) matched.push(m);
        if (r !== null) rest.push(r);
      } else if (test(e)) {
        matched.push(e);
      } else {
        rest.push(e);
      }
    }
    return [this._derived(matched), this._derived(rest)];
  }

  /** @internal `derive(errors)` with this group's cause and stack, or null for none. */
  _derived(errors: unknown[]): BaseExceptionGroup | null {
    if (errors.length === 0) return null;
    if (errors.length === this.errors.length && errors.every((e, i) => e === this.errors[i])) return this;
    const g = this.derive(errors);
    if ("cause" in this) g.cause = this.cause;
    if (this.stack !== undefined) g.stack = this.stack;
    return g;
  }
}

/** Several errors at once, none of them a base exception (Python's ExceptionGroup): what a TaskGroup throws. */
export class ExceptionGroup extends BaseExceptionGroup {
  override name = "ExceptionGroup";

  constructor(message: string, errors: Iterable<unknown>) {
    super(message, errors);
    for (const e of this.errors) {
      if (isBaseException(e))
        throw new TypeError(`Cannot nest BaseExceptions in an ExceptionGroup (${(e as Error).name})`);
    }
  }
}

function isErrorClass(x: unknown): boolean {
  return typeof x === "function" && (x === Error || (x as { prototype?: unknown }).prototype instanceof Error);
}

function toPredicate(matcher: ErrorMatcher): (e: unknown) => boolean {
  if (Array.isArray(matcher)) {
    for (const c of matcher) if (!isErrorClass(c)) throw new TypeError("a list matcher must hold error classes only");
    return (e) => matcher.some((c) => e instanceof c);
  }
  if (isErrorClass(matcher)) return (e) => e instanceof (matcher as abstract new () => unknown);
  if (typeof matcher === "function") return matcher as (e: unknown) => boolean;
  throw new TypeError("a matcher must be an error class, a list of error classes, or a predicate");
}

/**
 * Handles a thrown error as a row of Python `except*` clauses: `error` (a group, or a lone error
 * treated as a group of one) is split by each matcher in turn and the matching part passed to its
 * handler. What no clause matched is thrown again, together with whatever the handlers threw
 * (a group of them); returns normally when everything was handled.
 *
 *   try { yield* asyncWith(new TaskGroup(), body); }
 *   catch (e) { exceptStar(e, [TimeoutError, (g) => log(g)], [RangeError, () => {}]); }
 */
export function exceptStar(error: unknown, ...clauses: [ErrorMatcher, (group: BaseExceptionGroup) => void][]): void {
  let rest: BaseExceptionGroup | null =
    error instanceof BaseExceptionGroup ? error : BaseExceptionGroup.of("", [error]);
  const raised: unknown[] = [];
  for (const clause of clauses) {
    if (!Array.isArray(clause) || clause.length !== 2 || typeof clause[1] !== "function") {
      throw new TypeError("exceptStar() clauses are [matcher, handler] pairs");
    }
    toPredicate(clause[0]); // checks the matcher even when nothing is left to match
  }
  for (const [matcher, handler] of clauses) {
    if (rest === null) break;
    const [matched, left]: [BaseExceptionGroup | null, BaseExceptionGroup | null] = rest.split(matcher);
    rest = left;
    if (matched === null) continue;
    try {
      handler(matched);
    } catch (e) {
      raised.push(e);
    }
  }
  if (raised.length === 0) {
    if (rest === null) return;
    throw rest === error || error instanceof BaseExceptionGroup ? rest : (rest.errors[0] ?? rest);
  }
  throw BaseExceptionGroup.of("", rest === null ? raised : [...raised, rest]);
}

/** True where even a stackless Error is dear: the engine gives errors a lazy `stack` accessor. */
const errorsAreDear: boolean = (() => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // the probe itself captures no stack
  try {
    return typeof Object.getOwnPropertyDescriptor(new Error(), "stack")?.get === "function";
  } finally {
    Error.stackTraceLimit = limit;
  }
})();

/**
 * Makes a CancelledError without capturing a stack trace (cancellation is a hot path). Where the
 * engine makes an Error cheaply once `Error.stackTraceLimit` is 0 (Node: ~0.5 µs against ~4 µs
 * with a stack), it is a native error made under that limit. Where it does not (V8 builds whose
 * errors carry a lazy `stack` accessor, as Deno's: ~2 µs per Error whatever the limit), it is an
 * object on CancelledError's prototype that never runs the Error constructor (~0.05 µs): it is
 * `instanceof CancelledError` and `Error`, with the same own `name`, `message` and a `stack` that
 * is the header alone, as under a zero limit; only engine-level checks (`Error.isError`,
 * `Object.prototype.toString`) tell it from a native error.
 */
export function cheapCancelledError(message: unknown): CancelledError {
  if (errorsAreDear) return protoCancelledError(message);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CancelledError(message ?? undefined);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const hidden: PropertyDescriptor = { value: undefined, writable: true, enumerable: false, configurable: true };

function protoCancelledError(message: unknown): CancelledError {
  const e = Object.create(CancelledError.prototype) as CancelledError;
  const text = messageText(message);
  hidden.value = text;
  Object.defineProperty(e, "message", hidden);
  hidden.value = text === "" ? "CancelledError" : `CancelledError: ${text}`;
  Object.defineProperty(e, "stack", hidden);
  hidden.value = undefined;
  e.name = "CancelledError";
  return e;
}
