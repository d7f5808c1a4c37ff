// Async context managers (Python's `async with`): `yield* asyncWith(cm, function* (value) {…})`
// runs `cm.aenter()`, the body with its value, then `cm.aexit(error)` whether the body returned
// or threw. aexit returning true suppresses the body's error (the result is then undefined).

import { describe } from "../checks.js";
import type { Coroutine } from "./coroutine.js";

export interface AsyncContextManager<T> {
  aenter(): Coroutine<T>;
  /** Called with the body's error (undefined after a normal end); true suppresses the error. */
  aexit(error: unknown | undefined): Coroutine<boolean | void>;
}

/** Runs `body` inside `cm` (aenter, body, aexit), returning the body's result. */
export function* asyncWith<T, R>(cm: AsyncContextManager<T>, body: (value: T) => Coroutine<R>): Coroutine<R> {
  if (cm === null || typeof cm !== "object" || typeof cm.aenter !== "function" || typeof cm.aexit !== "function") {
    throw new TypeError(`asyncWith needs an async context manager (aenter/aexit), got ${describe(cm)}`);
  }
  if (typeof body !== "function") throw new TypeError(`asyncWith needs a body function, got ${describe(body)}`);
  const value = yield* cm.aenter();
  let result: R;
  try {
    result = yield* body(value);
  } catch (error) {
    if ((yield* cm.aexit(error)) === true) return undefined as R;
    throw error;
  }
  yield* cm.aexit(undefined);
  return result;
}
