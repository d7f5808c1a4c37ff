// Held: the Disposable that `hold()` hands out, so a lock can be scoped with `using`:
//
//     using held = yield* lock.hold();   // released when the block ends, however it ends
//
// Owns: releasing exactly once. Disposing twice does nothing the second time, so an explicit
// `held[Symbol.dispose]()` followed by the end of the `using` block is harmless.
//
// Limits: only for primitives whose release is synchronous (Lock, Semaphore, BoundedSemaphore,
// Condition); `Symbol.dispose` is looked up the polyfill-safe way (the well-known symbol where the
// runtime has it, the registered `Symbol.for("Symbol.dispose")` otherwise), matching what
// TypeScript's and esbuild's lowering of `using` call.

/** `Symbol.dispose`, or the registered symbol that stands for it on runtimes without one. */
export const disposeSymbol: typeof Symbol.dispose =
  (Symbol as { dispose?: typeof Symbol.dispose }).dispose ?? (Symbol.for("Symbol.dispose") as typeof Symbol.dispose);

/** Something `hold()` can release: a lock, a semaphore, a condition. */
export interface Releasable {
  release(): void;
}

/** A held lock or semaphore slot; `[Symbol.dispose]()` releases it (once). */
export class Held implements Disposable {
  /** @internal What to release; null once released. */
  _owner: Releasable | null;

  constructor(owner: Releasable) {
    this._owner = owner;
  }

  /** True until this hold has been released. */
  get held(): boolean {
    return this._owner !== null;
  }

  /** Releases what was held; later calls do nothing. */
  [disposeSymbol](): void {
    const owner = this._owner;
    if (owner === null) return;
    this._owner = null;
    owner.release();
  }
}
