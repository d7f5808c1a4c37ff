// loop.sendfile and loop.sockSendfile: asyncio's file sending. The hosts have no native
// sendfile(2) for their sockets, so both always take asyncio's fallback: the file is read in
// chunks of 16 KiB off the loop's thread and written to the transport (waiting for its buffer to
// drain between chunks) or sent with sockSendall. With `fallback: false` they throw
// SendfileNotAvailableError, as asyncio does where os.sendfile is missing. They return the number
// of bytes sent; a transport that is closing is refused (an Error), offset and count are checked
// eagerly as asyncio does (RangeError for a bad value).

import { SendfileNotAvailableError } from "../../errors.js";
import type { EventLoop } from "../../loop/event-loop.js";
import { checkFd, describe } from "../../checks.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { sockSendall } from "../sock/sock-ops.js";
import { Transport } from "../transports/transport.js";
import { checkSendfileArgs, sendChunks, type SendfileSource } from "./file-chunks.js";
import { SendfileFallbackProtocol } from "./sendfile-fallback-protocol.js";

export interface SendfileOptions {
  /** Read and write when there is no native sendfile (default true; false: SendfileNotAvailableError). */
  fallback?: boolean;
}

function checkFallback(options: SendfileOptions | undefined): boolean {
  const fallback = options?.fallback ?? true;
  if (typeof fallback !== "boolean") throw new TypeError(`fallback must be a boolean, got ${describe(fallback)}`);
  return fallback;
}

/** Sends `file` over `transport` (asyncio's loop.sendfile); the number of bytes sent. */
export function sendfile(
  loop: EventLoop,
  transport: Transport,
  file: SendfileSource,
  offset = 0,
  count: number | null = null,
  options?: SendfileOptions,
): Coroutine<number> {
  if (!(transport instanceof Transport))
    throw new TypeError(`sendfile needs a Transport of loop.createConnection/createServer, got ${describe(transport)}`);
  checkSendfileArgs(file, offset, count);
  const fallback = checkFallback(options);
  return sendOverTransport(loop, transport, file, offset, count ?? null, fallback);
}

function* sendOverTransport(
  loop: EventLoop,
  transport: Transport,
  file: SendfileSource,
  offset: number,
  count: number | null,
  fallback: boolean,
): Coroutine<number> {
  if (transport.isClosing()) throw new Error("Transport is closing");
  if (!fallback) throw new SendfileNotAvailableError("there is no native sendfile on this host");
  const proto = new SendfileFallbackProtocol(loop, transport);
  try {
    return yield* sendChunks(file, offset, count, function* (chunk) {
      yield* proto.drain();
      transport.write(chunk);
    });
  } finally {
    proto.restore();
  }
}

/** Sends `file` on socket `fd` (asyncio's loop.sock_sendfile); the number of bytes sent. */
export function sockSendfile(
  loop: EventLoop,
  fd: number,
  file: SendfileSource,
  offset = 0,
  count: number | null = null,
  options?: SendfileOptions,
): Coroutine<number> {
  checkFd(fd);
  checkSendfileArgs(file, offset, count);
  const fallback = checkFallback(options);
  return sendOnSocket(loop, fd, file, offset, count ?? null, fallback);
}

function* sendOnSocket(
  loop: EventLoop,
  fd: number,
  file: SendfileSource,
  offset: number,
  count: number | null,
  fallback: boolean,
): Coroutine<number> {
  if (!fallback) throw new SendfileNotAvailableError("there is no native sendfile on this host");
  return yield* sendChunks(file, offset, count, (chunk) => sockSendall(loop, fd, chunk));
}
