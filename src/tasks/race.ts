// race: the first awaitable to finish wins; the others are cancelled and awaited.
//
//   const fastest = yield* race([fetchFrom(a), fetchFrom(b)]);
//
// Coroutines become tasks at the call, as with gather. The first child to finish (with a result or
// an error; one that ends cancelled does not count unless all do) decides: race returns its
// result or throws its error, after cancelling every other child and waiting until all of them
// are done (their outcomes are dropped). If the racing task itself is cancelled, every child is
// cancelled and awaited before the CancelledError goes on. An empty list is a RangeError.

import { cheapCancelledError } from "../errors.js";
import { getRunningLoop } from "../loop/running.js";
import { awaitableList, checkAwaitable } from "./arguments.js";
import type { Awaitable, Coroutine } from "./coroutine.js";
import { ensureFuture } from "./ensure-future.js";
import { tracked } from "./debug-coroutines.js";
import { CANCELLED, Future, PENDING } from "./future.js";

/** Runs `aws` concurrently; returns the outcome of the first to finish, once the others are cancelled and done. */
export function race<T>(aws: Iterable<Awaitable<T>>): Coroutine<T> {
  const list = awaitableList(aws, "race()");
  if (list.length === 0) throw new RangeError("race() needs at least one awaitable");
  for (let i = 0; i < list.length; i++) checkAwaitable(list[i], `race() argument ${i}`);
  const loop = getRunningLoop();
  return tracked(raceAll(list.map((a) => ensureFuture(a as Awaitable<T>, loop))), "race");
}

function* raceAll<T>(futs: Future<T>[]): Coroutine<T> {
  const loop = futs[0]._loop;
  let winner: Future<T> | null = null;
  let left = futs.length;
  let wake = new Future<void>(loop);
  const onDone = (f: Future<T>): void => {
    left--;
    if (winner === null && f._state !== CANCELLED) winner = f;
    if ((winner !== null || left === 0) && wake._state === PENDING) wake.setResult(undefined);
  };
  for (const f of futs) f.addDoneCallback(onDone);
  let interrupted: unknown = null;
  try {
    yield* wake;
  } catch (e) {
    interrupted = e; // the racing task was cancelled
  }
  for (const f of futs) if (f._state === PENDING) f.cancel();
  while (left > 0) {
    wake = new Future<void>(loop);
    try {
      yield* wake;
    } catch (e) {
      interrupted ??= e; // cancelled again: the children still get awaited
    }
  }
  for (const f of futs) if (f !== winner && f._state !== CANCELLED) f._retrieved();
  if (interrupted !== null) throw interrupted;
  if (winner === null) throw cheapCancelledError("every awaitable in the race was cancelled");
  return (winner as Future<T>).result();
}
