// Argument checks shared by the combinators (gather, wait, asCompleted, waitFor, timeouts): they
// run at the call, before any task is created, so a bad argument never leaves half-started work.
// Wrong types throw TypeError, out-of-range values RangeError (the eager validation rule of src/checks.ts).

import { describe, checkTime } from "../checks.js";
import { isCoroutine } from "./coroutine.js";
import { Future } from "./future.js";

/** Checks an optional timeout or deadline in ms: null/undefined (none) or a finite number. */
export function checkTimeout(ms: unknown, what = "timeout"): void {
  if (ms !== null && ms !== undefined) checkTime(ms, what);
}

/** Checks that `x` is a Future or a coroutine. */
export function checkAwaitable(x: unknown, what = "awaitable"): void {
  if (!(x instanceof Future) && !isCoroutine(x)) {
    throw new TypeError(`${what} must be a Future, a Task or a coroutine, got ${describe(x)}`);
  }
}

/**
 * The elements of a collection of awaitables as an array (the array itself when it is one).
 * A lone Future or coroutine is refused: both are iterable, so it would otherwise be taken for
 * a collection. With `generators`, a generator object is taken for a collection (for wait(),
 * whose elements must be futures, so a coroutine passed by mistake is caught by its first value).
 */
export function awaitableList(aws: unknown, what: string, generators = false): unknown[] {
  if (aws instanceof Future || (isCoroutine(aws) && !generators)) {
    throw new TypeError(
      `${what} expects a collection of awaitables, not a single ${aws instanceof Future ? "Future" : "coroutine"}: ${describe(aws)}`,
    );
  }
  if (Array.isArray(aws)) return aws;
  if (aws === null || typeof aws !== "object" || typeof (aws as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`${what} expects an array or iterable of awaitables, got ${describe(aws)}`);
  }
  return Array.from(aws as Iterable<unknown>);
}
