// The file side of sendfile: what a file is (a node:fs fd number, or a FileHandle from
// node:fs/promises), the checks asyncio makes on offset and count, and reading one chunk at an
// explicit position off the loop's thread (node:fs's read runs on libuv's pool, as asyncio reads
// in its executor), awaited as a host promise. Positional reads leave the file's own position
// where it was (asyncio seeks a file object to offset + bytes sent).

import type * as Fs from "node:fs";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";
import { describe } from "../../checks.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { fromPromise } from "../../tasks/from-promise.js";

/** A FileHandle of node:fs/promises (its positional read). */
export interface FileHandleLike {
  read(buffer: Uint8Array, offset: number, length: number, position: number): PromiseLike<{ bytesRead: number }>;
}

/** What sendfile sends from: an fd of node:fs or a FileHandle. */
export type SendfileSource = number | FileHandleLike;

/** Checks file, offset and count as asyncio does (count null: to the end of the file). */
export function checkSendfileArgs(file: unknown, offset: unknown, count: unknown): void {
  const isFd = typeof file === "number" && Number.isInteger(file) && file >= 0;
  const isHandle = typeof file === "object" && file !== null && typeof (file as FileHandleLike).read === "function";
  if (!isFd && !isHandle) throw new TypeError(`file must be an fd of node:fs or a FileHandle, got ${describe(file)}`);
  if (typeof offset !== "number") throw new TypeError(`offset must be a non-negative integer, got ${describe(offset)}`);
  if (!Number.isInteger(offset) || offset < 0)
    throw new RangeError(`offset must be a non-negative integer (got ${offset})`);
  if (count !== null && count !== undefined) {
    if (typeof count !== "number") throw new TypeError(`count must be a positive integer, got ${describe(count)}`);
    if (!Number.isInteger(count) || count <= 0) throw new RangeError(`count must be a positive integer (got ${count})`);
  }
}

/** Reads up to `length` bytes at `position` into `buf`; the count (0 at the end of the file). */
export function* readChunk(file: SendfileSource, buf: Uint8Array, length: number, position: number): Coroutine<number> {
  if (typeof file !== "number") return (yield* fromPromise(file.read(buf, 0, length, position))).bytesRead;
  const fs = nodeBuiltin<typeof Fs>("node:fs");
  if (fs === null) throw Object.assign(new Error("sendfile needs node:fs to read an fd"), { code: "ENOSYS" });
  return yield* fromPromise(
    new Promise<number>((resolve, reject) =>
      fs.read(file, buf, 0, length, position, (err, n) => (err ? reject(err) : resolve(n))),
    ),
  );
}

/** Sends `file` from `offset` (`count` bytes, or to its end) through `send`; the total sent. */
export function* sendChunks(
  file: SendfileSource,
  offset: number,
  count: number | null,
  send: (chunk: Uint8Array) => Coroutine<void>,
): Coroutine<number> {
  const blocksize = count !== null ? Math.min(count, 16384) : 16384;
  let total = 0;
  for (;;) {
    const want = count !== null ? Math.min(count - total, blocksize) : blocksize;
    if (want <= 0) return total;
    const buf = new Uint8Array(want); // each chunk its own: a transport may keep what it is given
    const n = yield* readChunk(file, buf, want, offset + total);
    if (n === 0) return total;
    yield* send(n === want ? buf : buf.subarray(0, n));
    total += n;
  }
}
