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

// The intrinsic methods of generator objects. A task resumes a coroutine whose `next` and `throw`
// are these (every generator, unless patched) by calling them directly: `gen.next` would be a
// megamorphic load, since each generator function gives its objects their own hidden class.
const generatorProto = Object.getPrototypeOf(function* () {}).prototype as Coroutine<unknown>;
/** The `next` every generator object inherits. */
export const generatorNext = generatorProto.next;
/** The `throw` every generator object inherits. */
export const generatorThrow = generatorProto.throw;

/**
 * True when `coro` resumes through the intrinsic generator methods, so calling those directly
 * does what `coro.next()` and `coro.throw(e)` do. Decided once, when a task or call() takes the
 * coroutine: methods patched onto it later are not seen.
 */
export function resumesNatively(coro: Coroutine<unknown>): boolean {
  return coro.next === generatorNext && coro.throw === generatorThrow;
}

/**
 * A task or call() takes `coro` to run: returns resumesNatively(coro). A coroutine that its maker
 * may hand out again once it has finished (a queue's get or put, see sync/op.ts) has a `_keep`
 * method, called here: from then on it belongs to the taker and is never handed out again.
 */
export function takeCoroutine(coro: Coroutine<unknown>): boolean {
  if (resumesNatively(coro)) return true;
  const keep = (coro as { _keep?: unknown })._keep;
  if (typeof keep === "function") keep.call(coro);
  return false;
}
