// Eager argument checks of this layer (counts, sizes, flags), in the style of src/checks.ts:
// a wrong type is a TypeError, a number out of range a RangeError, thrown at the call.

import { describe } from "../checks.js";

/** A non-negative integer (a semaphore's value, a queue's maxsize). */
export function checkCount(value: unknown, what: string): number {
  if (typeof value !== "number") throw new TypeError(`${what} must be a non-negative integer, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

/** A number ≥ 0, Infinity allowed (how many waiters to notify). */
export function checkAmount(value: unknown, what: string): number {
  if (typeof value !== "number") throw new TypeError(`${what} must be a number >= 0, got ${describe(value)}`);
  if (!(value >= 0)) throw new RangeError(`${what} must be a number >= 0, got ${value}`);
  return value;
}

/** A boolean flag. */
export function checkFlag(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${what} must be a boolean, got ${describe(value)}`);
  return value;
}
