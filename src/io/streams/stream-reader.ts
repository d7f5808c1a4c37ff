// StreamReader: asyncio.StreamReader (3.13) over a byte buffer that a transport feeds.
//
// The buffer is one Uint8Array holding the bytes between `start` and `end`; reads hand out copies
// and move `start` (a read that takes the whole buffer hands out the buffer itself), feeding
// appends at `end` (compacting or growing first); a chunk the transport hands over for good
// becomes the buffer when nothing else is buffered. A reader waits for
// data by parking its task on a Future (`waiter`) that the next feed, EOF or error settles; only
// one coroutine may wait at a time. Cancelling a waiting read only drops the waiter: nothing is
// consumed before a read succeeds, so the stream stays usable.
//
// Flow control (as asyncio): once more than 2 × limit bytes are buffered, the transport is asked
// to pause reading; it resumes when a read brings the buffer down to the limit, or when a reader
// has to wait. `limit` also bounds how far readuntil/readline look for a separator.

import { IncompleteReadError, LimitOverrunError } from "../../errors.js";
import type { EventLoop } from "../../loop/event-loop.js";
import { getRunningLoop } from "../../loop/running.js";
import { checkLoopArg, describe } from "../../checks.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { FINISHED, Future, PENDING } from "../../tasks/future.js";
import { loopAsyncIterator, type IterStep } from "../../tasks/async-iteration.js";
import { asCoroutine } from "../../sync/op.js";
import { ReadOp } from "./read-op.js";

/** One step of a reader's iteration: the next line, or the end at EOF. */
function* nextLine(reader: StreamReader): Coroutine<IterStep<Uint8Array>> {
  const line = yield* reader.readline();
  return line.length === 0 ? { done: true } : { done: false, value: line };
}

/** asyncio's default buffer limit: 64 KiB. */
export const DEFAULT_LIMIT = 64 * 1024;

/** What a reader asks of its transport. */
export interface ReadingControl {
  pauseReading(): void;
  resumeReading(): void;
}

export interface StreamReaderOptions {
  /** Buffer limit in bytes (default 64 KiB). */
  limit?: number;
  /** The loop (default: the running loop). */
  loop?: EventLoop;
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/** Checks a `limit` option: a positive integer (default 64 KiB). */
export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (typeof limit !== "number") throw new TypeError(`limit must be a positive integer, got ${describe(limit)}`);
  if (!Number.isInteger(limit) || limit <= 0)
    throw new RangeError(`limit must be a positive integer, got ${String(limit)}`);
  return limit;
}

export class StreamReader {
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private end = 0;
  private eof = false;
  private exc: unknown = null;
  /** @internal The future a waiting read is parked on. */
  _waiter: Future<void> | null = null;
  /** @internal The last read op, handed out again once finished (read-op.ts). */
  _readOp: ReadOp | null = null;
  /** A consumed waiter, reset for the next wait (see recycle). */
  private spare: Future<void> | null = null;
  private paused = false;
  private readonly limit: number;
  private readonly loop: EventLoop;
  /** @internal The transport feeding this reader, asked to pause and resume reading. */
  _transport: ReadingControl | null = null;

  constructor(options: StreamReaderOptions = {}) {
    if (options === null || typeof options !== "object")
      throw new TypeError(`options must be an object, got ${describe(options)}`);
    checkLoopArg(options.loop, "options.loop");
    this.limit = checkLimit(options.limit);
    this.loop = options.loop ?? getRunningLoop();
  }

  /** The buffer limit, in bytes. */
  getLimit(): number {
    return this.limit;
  }

  /** Bytes buffered and not read yet. */
  bufferedSize(): number {
    return this.end - this.start;
  }

  /** The error the stream failed with, or null. */
  exception(): unknown | null {
    return this.exc;
  }

  /** Fails the stream: pending and later reads throw `exc`. */
  setException(exc: unknown): void {
    this.exc = exc;
    const w = this._waiter;
    if (w !== null) {
      this._waiter = null;
      if (!w.done()) w.setException(exc);
    }
  }

  /** Marks the end of the stream: reads return what is buffered, then end. */
  feedEof(): void {
    this.eof = true;
    this.wakeWaiter();
  }

  /** True when the end was fed and the buffer is empty. */
  atEof(): boolean {
    return this.eof && this.end === this.start;
  }

  /** Appends `data` (bytes, copied) to the buffer and wakes a waiting read. */
  feedData(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      if (!ArrayBuffer.isView(data))
        throw new TypeError(`feedData() needs bytes (a Uint8Array), got ${describe(data)}`);
      const view = data as ArrayBufferView;
      data = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    }
    this._feed(data, data.length);
  }

  /**
   * @internal feedData of the first `len` bytes of `data` (the transport's shared receive
   * buffer, from its reader callback): copied with one `set` of a subarray (~10× faster than a
   * byte loop for 4 KiB); a waiting read is woken as any future's waiter is (its task's step runs
   * on the next pass, after the callbacks already queued: asyncio's order).
   */
  _feed(data: Uint8Array, len: number): void {
    if (this.eof) throw new Error("feedData after feedEof");
    if (len === 0) return;
    this.append(data, len);
    this.wakeWaiter();
    this.maybePauseTransport();
  }

  /**
   * @internal feedData of an array handed over for good (the host's own chunk: nobody else holds
   * it or writes to it). With nothing buffered it becomes the buffer itself, so a read that takes
   * all of it returns that array: no copy and no new array.
   */
  _feedOwned(data: Uint8Array): void {
    if (this.eof) throw new Error("feedData after feedEof");
    const len = data.length;
    if (len === 0) return;
    if (this.end === this.start) {
      this.buf = data;
      this.start = 0;
      this.end = len;
    } else this.append(data, len);
    this.wakeWaiter();
    this.maybePauseTransport();
  }

  private maybePauseTransport(): void {
    const t = this._transport;
    if (t !== null && !this.paused && this.end - this.start > 2 * this.limit) {
      this.paused = true;
      t.pauseReading();
    }
  }

  /** Reads up to `n` bytes (n < 0: until EOF); an empty array only at EOF (or for n = 0). */
  read(n = -1): Coroutine<Uint8Array> {
    checkCount(n, "n", true);
    return n > 0 ? this.readOp(n, false) : this.readAll(n);
  }

  /** The op of a read(n > 0) or readexactly(n): the last one again once it has finished. */
  private readOp(n: number, exact: boolean): Coroutine<Uint8Array> {
    const op = this._readOp;
    if (op?.done) {
      op.done = false;
      op.value = undefined;
      op._n = n;
      op._exact = exact;
      op._first = true;
      return asCoroutine(op);
    }
    return asCoroutine((this._readOp = new ReadOp(this, n, exact)));
  }

  /**
   * @internal One attempt of a read op (read-op.ts): the first
   * checks for a failed stream; readexactly waits until `n` bytes are there (IncompleteReadError
   * at EOF), read only when none are there on its first attempt. Returns null after starting a
   * wait (the op parks on `_waiter`).
   */
  _attempt(n: number, exact: boolean, first: boolean): Uint8Array | null {
    if (first) {
      if (this.exc !== null) throw this.exc;
      if (n === 0) return EMPTY;
    }
    const size = this.end - this.start;
    if (exact) {
      if (size >= n) return this.takeOut(n);
      if (this.eof) {
        const partial = this.buf.slice(this.start, this.end);
        this.consume(size);
        throw new IncompleteReadError(partial, n);
      }
      this.startWaiting("readexactly");
      return null;
    }
    if (first && size === 0 && !this.eof) {
      this.startWaiting("read");
      return null;
    }
    return this.takeOut(Math.min(n, size));
  }

  /** @internal A read op's wait on `w` is over; `normally`: it finished and the read goes on. */
  _endWait(w: Future<void>, normally: boolean): void {
    if (this._waiter === w) this._waiter = null;
    if (normally) this.recycle(w);
  }

  /** read(0) (nothing) and read(n < 0): reads of up to `limit` bytes until EOF, joined. */
  private *readAll(n: number): Coroutine<Uint8Array> {
    if (this.exc !== null) throw this.exc;
    if (n === 0) return EMPTY;
    const blocks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const block = yield* this.readOp(this.limit, false);
      if (block.length === 0) break;
      blocks.push(block);
      total += block.length;
    }
    return concat(blocks, total);
  }

  /** Reads exactly `n` bytes; IncompleteReadError (with the partial bytes) if the stream ends first. */
  readexactly(n: number): Coroutine<Uint8Array> {
    checkCount(n, "n", false);
    return this.readOp(n, true);
  }

  /**
   * Reads up to and including `separator`. At EOF without it: IncompleteReadError with what was
   * buffered. When the separator is not within `limit` bytes: LimitOverrunError, and the data
   * stays buffered.
   */
  readuntil(separator: Uint8Array | string = "\n"): Coroutine<Uint8Array> {
    const sep = typeof separator === "string" ? encodeSeparator(separator) : separator;
    if (!(sep instanceof Uint8Array)) throw new TypeError("separator must be a Uint8Array or a string");
    if (sep.length === 0) throw new RangeError("Separator should be at least one-byte string");
    return this.readUntilSep(sep);
  }

  private *readUntilSep(sep: Uint8Array): Coroutine<Uint8Array> {
    const seplen = sep.length;
    if (this.exc !== null) throw this.exc;
    let offset = 0;
    let isep = -1;
    for (;;) {
      const buflen = this.end - this.start;
      if (buflen - offset >= seplen) {
        isep = this.find(sep, offset);
        if (isep !== -1) break;
        offset = buflen + 1 - seplen;
        if (offset > this.limit)
          throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
      }
      if (this.eof) {
        const partial = this.buf.slice(this.start, this.end);
        this.consume(this.end - this.start);
        throw new IncompleteReadError(partial, null);
      }
      const w = this.startWaiting("readuntil");
      try {
        yield* w;
      } finally {
        if (this._waiter === w) this._waiter = null;
      }
      this.recycle(w);
    }
    if (isep > this.limit) throw new LimitOverrunError("Separator is found, but chunk is longer than limit", isep);
    return this.takeOut(isep + seplen);
  }

  /**
   * Reads one line, "\n" included; at EOF, what is left (possibly empty). A line longer than the
   * limit throws a RangeError (asyncio's ValueError) after dropping it from the buffer.
   */
  /**
   * For `for await (const line of reader)` in async code: the lines (separator included, the last
   * one maybe without) until EOF, as asyncio's `async for line in reader`. Each step runs as a
   * task on the reader's loop; stopping early cancels a read in progress (nothing is lost).
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return loopAsyncIterator(this.loop, () => nextLine(this));
  }

  *readline(): Coroutine<Uint8Array> {
    try {
      return yield* this.readUntilSep(NEWLINE);
    } catch (e) {
      if (e instanceof IncompleteReadError) return e.partial;
      if (e instanceof LimitOverrunError) {
        const at = this.start + e.consumed;
        if (at < this.end && this.buf[at] === 10) this.consume(e.consumed + 1);
        else this.consume(this.end - this.start);
        throw new RangeError(e.message);
      }
      throw e;
    }
  }

  toString(): string {
    const info = [`${this.end - this.start} bytes`];
    if (this.eof) info.push("eof");
    if (this.limit !== DEFAULT_LIMIT) info.push(`limit=${this.limit}`);
    if (this._waiter !== null) info.push("waiter");
    if (this.exc !== null) info.push("exception");
    if (this.paused) info.push("paused");
    return `<StreamReader ${info.join(" ")}>`;
  }

  // ------------------------------------------------------------------ internals

  /** Makes the waiter a read parks on (resuming a paused transport first). */
  private startWaiting(what: string): Future<void> {
    if (this._waiter !== null)
      throw new Error(`${what}() called while another coroutine is already waiting for incoming data`);
    if (this.paused) {
      this.paused = false;
      this._transport?.resumeReading();
    }
    let w = this.spare;
    if (w === null) w = new Future<void>(this.loop);
    else this.spare = null;
    this._waiter = w;
    return w;
  }

  /**
   * Keeps `w` for the next wait once a read resumed from it normally: it finished with no result,
   * the task step it scheduled has run (the read is past its await) and no callback is left on it.
   * Only the reader and the waiting task ever held it; a caller that kept a future its read
   * yielded may see it come back pending for a later wait.
   */
  private recycle(w: Future<void>): void {
    if (w._state !== FINISHED || w._cb0 !== null || w._cbs !== null || w._owner !== null) return;
    w._state = PENDING;
    w._result = undefined;
    this.spare = w;
  }

  private wakeWaiter(): void {
    const w = this._waiter;
    if (w !== null) {
      this._waiter = null;
      if (!w.done()) w._wake();
    }
  }

  /**
   * The next `n` buffered bytes as an array of their own: the buffer itself when they are all of
   * it (only then can n equal its length; the reader starts over with an empty one), else a copy.
   */
  private takeOut(n: number): Uint8Array {
    const buf = this.buf;
    let data: Uint8Array;
    if (n === buf.length) {
      data = buf;
      this.buf = EMPTY;
    } else data = buf.slice(this.start, this.start + n);
    this.consume(n);
    return data;
  }

  private consume(n: number): void {
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    if (this.paused && this.end - this.start <= this.limit) {
      this.paused = false;
      this._transport?.resumeReading();
    }
  }

  private append(data: Uint8Array, len: number): void {
    let buf = this.buf;
    if (buf.length - this.end < len) {
      const size = this.end - this.start;
      if (size + len <= buf.length) {
        buf.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(size + len, buf.length * 2, 1024));
        grown.set(buf.subarray(this.start, this.end));
        this.buf = buf = grown;
      }
      this.start = 0;
      this.end = size;
    }
    buf.set(len === data.length ? data : data.subarray(0, len), this.end);
    this.end += len;
  }

  /** Index (relative to start) of `sep` at or after `offset`, or -1. */
  private find(sep: Uint8Array, offset: number): number {
    const end = this.end,
      first = sep[0],
      seplen = sep.length;
    const buf = end === this.buf.length ? this.buf : this.buf.subarray(0, end);
    let i = this.start + offset;
    for (;;) {
      i = buf.indexOf(first, i);
      if (i === -1 || i + seplen > end) return -1;
      let j = 1;
      while (j < seplen && buf[i + j] === sep[j]) j++;
      if (j === seplen) return i - this.start;
      i++;
    }
  }
}

const NEWLINE = new Uint8Array([10]);
let lastSepText = "\n";
let lastSep = NEWLINE;

/** A string separator as bytes (the last one is kept: readuntil is called in loops). */
function encodeSeparator(text: string): Uint8Array {
  if (text !== lastSepText) {
    lastSep = encoder.encode(text);
    lastSepText = text;
  }
  return lastSep;
}

function checkCount(n: number, what: string, negativeOk: boolean): void {
  if (typeof n !== "number" || !Number.isInteger(n))
    throw new TypeError(`${what} must be an integer, got ${describe(n)}`);
  if (n < 0 && !negativeOk) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

function concat(blocks: Uint8Array[], total: number): Uint8Array {
  if (blocks.length === 1) return blocks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
