// ReadOp: `reader.read(n)` (n > 0) and `reader.readexactly(n)` as a hand-written coroutine (an op,
// see sync/op.ts) instead of a generator per call: the hottest calls of the streams (a TCP echo
// makes one per message on each side), so a loop of `yield* reader.read(n)` allocates no
// generator, and the reader hands the same op out again once it has finished.
//
// It steps as a generator doing the same would: nothing happens until the first `next()`; a
// failed stream or n = 0 is answered then; a read that finds nothing buffered parks on the
// reader's waiter future (yielded to the task) and, resumed after a feed or EOF, takes what is
// there (read) or checks again (readexactly: it may wait several times). A cancelled or failed
// waiter throws its error out of the op; an error thrown in (or `return`) ends the wait, leaving
// the buffer as it was. A waiter resumed normally is given back to the reader for the next wait.
//
// Limits: as every op, its object is the result of each step (read `value` and `done` before the
// next call), and a reference kept to a finished op may see it come back as a later read.

import { REUSED } from "../../tasks/debug-coroutines.js";
import { CANCELLED, FINISHED, type Future, PENDING } from "../../tasks/future.js";
import { fail, finish, type Op } from "../../sync/op.js";

/** What a read op needs of its reader (StreamReader's internal side). */
export interface ReadSource {
  /** One attempt: the bytes, or null after starting a wait on `_waiter` (see StreamReader). */
  _attempt(n: number, exact: boolean, first: boolean): Uint8Array | null;
  /** The future a waiting read is parked on. */
  readonly _waiter: Future<void> | null;
  /** A wait on `w` is over; `normally`: it finished and the op goes on (w may be reused). */
  _endWait(w: Future<void>, normally: boolean): void;
  /** The reader's last op, handed out again once done (null once a task took it). */
  _readOp: ReadOp | null;
}

export class ReadOp implements Op {
  value: unknown = undefined;
  done = false;
  /** @internal */ readonly _reader: ReadSource;
  /** @internal Bytes asked for. */
  _n: number;
  /** @internal readexactly (else read). */
  _exact: boolean;
  /** @internal The waiter future while waiting. */
  _fut: Future<void> | null = null;
  /** @internal No step was taken yet. */
  _first = true;

  constructor(reader: ReadSource, n: number, exact: boolean) {
    this._reader = reader;
    this._n = n;
    this._exact = exact;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): this {
    if (this.done) throw new Error(REUSED);
    const r = this._reader;
    const woken = this._fut;
    if (woken !== null) {
      const state = woken._state;
      if (state === PENDING) return this; // resumed early by hand: keep waiting
      this._fut = null;
      if (state === CANCELLED || woken._failed) {
        r._endWait(woken, false);
        let error: unknown;
        try {
          woken.result(); // throws its CancelledError or exception (and marks it retrieved)
        } catch (e) {
          error = e;
        }
        return fail(this, error);
      }
      r._endWait(woken, state === FINISHED);
    }
    const first = this._first;
    this._first = false;
    let data: Uint8Array | null;
    try {
      data = r._attempt(this._n, this._exact, first);
    } catch (error) {
      return fail(this, error);
    }
    if (data === null) {
      this._fut = r._waiter;
      this.value = this._fut;
      return this;
    }
    this.done = true;
    this.value = data;
    return this;
  }

  throw(error: unknown): this {
    this._leave();
    return fail(this, error);
  }

  return(value?: unknown): this {
    this._leave();
    return finish(this, value);
  }

  /** @internal A task or call() took this op: it is never handed out again. */
  _keep(): void {
    if (this._reader._readOp === this) this._reader._readOp = null;
  }

  /** @internal Stops waiting, if waiting: the read consumed nothing. */
  _leave(): void {
    const w = this._fut;
    if (w === null) return;
    this._fut = null;
    this._reader._endWait(w, false);
  }
}
