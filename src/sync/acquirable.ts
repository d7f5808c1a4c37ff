// Acquirable: what Lock, Semaphore and Condition share as resources taken with `acquire()` and
// given back with a synchronous `release()` — the async context manager protocol and `hold()`.
//
//     yield* asyncWith(lock, function* () { … });   // aenter acquires, aexit releases
//     using held = yield* lock.hold();              // released when the block ends
//
// Limits: only for primitives whose release is synchronous; aexit never suppresses an error.

import type { AsyncContextManager } from "../tasks/async-with.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { Held } from "./held.js";
import { LoopBound } from "./loop-bound.js";

export abstract class Acquirable extends LoopBound implements AsyncContextManager<void> {
  abstract acquire(): Coroutine<true>;
  abstract release(): void;

  /** Acquires, then returns a Disposable that releases: `using held = yield* x.hold()`. */
  *hold(): Coroutine<Held> {
    yield* this.acquire();
    return new Held(this);
  }

  /** Async context manager entry: acquires. */
  *aenter(): Coroutine<void> {
    yield* this.acquire();
  }

  /** Async context manager exit: releases (never suppresses the body's error). */
  // eslint-disable-next-line require-yield
  *aexit(_error: unknown): Coroutine<void> {
    this.release();
  }
}
