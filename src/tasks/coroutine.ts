// Coroutines are generators: `yield* x` awaits a Future (which yields itself until done) or
// another coroutine; a bare `yield` gives the loop one pass.

import { Future } from "./future.js";

/** A coroutine: a generator that yields Futures (or undefined for one loop pass). */
export type Coroutine<T = unknown> = Generator<Future<unknown> | undefined, T, unknown>;
/** What `yield*` can await and what the combinators accept. */
export type Awaitable<T> = Future<T> | Coroutine<T>;

/**
 * True for generator objects (anything with next/throw/return). A Future also has those (it is
 * its own iterator, for `yield*`) but is not a coroutine.
 */
export function isCoroutine(x: unknown): x is Coroutine<unknown> {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as Coroutine).next === "function" &&
    typeof (x as Coroutine).throw === "function" &&
    typeof (x as Coroutine).return === "function" &&
    !(x instanceof Future)
  );
}
