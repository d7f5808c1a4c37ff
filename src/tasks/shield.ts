// shield: protect an awaitable from cancellation — asyncio.shield.
//
// Returns an outer future that mirrors the inner one (a coroutine becomes a Task). Cancelling the
// outer (for instance by cancelling the task awaiting it) cancels only the outer: the inner goes on
// running (if it later fails and nobody awaits it, that failure is reported as never retrieved,
// as in asyncio). Cancelling the inner itself does cancel the outer. An inner that is already done
// is returned as it is.
//
// Limit: as in asyncio, the shielded work survives its awaiter's cancellation but not the end of
// run(), which cancels every task still alive.

import { checkAwaitable } from "./arguments.js";
import type { Awaitable } from "./coroutine.js";
import { ensureFuture } from "./ensure-future.js";
import { CANCELLED, Future, PENDING } from "./future.js";

/** An outer future for `aw` that can be cancelled without cancelling `aw`. */
export function shield<T>(aw: Awaitable<T>): Future<T> {
  checkAwaitable(aw, "shield() awaitable");
  const inner = ensureFuture(aw);
  if (inner._state !== PENDING) return inner;
  const outer = new Future<T>(inner._loop);
  const innerDone = (f: Future<T>): void => {
    if (outer._state === CANCELLED) {
      if (f._state !== CANCELLED) f._retrieved();
      return;
    }
    if (outer._state !== PENDING) return;
    if (f._state === CANCELLED) {
      outer.cancel();
    } else if (f._failed) {
      f._retrieved();
      outer._fail(f._exception);
    } else {
      outer.setResult(f._result as T);
    }
  };
  const outerDone = (): void => {
    if (inner._state === PENDING) inner.removeDoneCallback(innerDone);
  };
  (innerDone as { _awaiter?: Future<T> })._awaiter = outer; // for call graphs: the outer awaits the inner
  inner.addDoneCallback(innerDone);
  outer.addDoneCallback(outerDone);
  return outer;
}
