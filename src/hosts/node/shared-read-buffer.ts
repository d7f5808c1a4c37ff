// Reads into one shared buffer: Node's `onread` mode (net.Socket's `onread: { buffer, callback }`
// option, which Deno's Node layer has too) switched on for a socket the host made itself.
//
// In its default mode a Node socket allocates a buffer for every read, wraps the bytes in a new
// Buffer and pushes it through its Readable stream to a 'data' event. In `onread` mode the
// kernel's bytes land in a buffer the caller gave, and a callback is told how many; nothing is
// allocated and the Readable machinery is skipped. The host copies them out at once into an
// array of exactly their size (on Node, one of 64 bytes or fewer is made on V8's own heap), so
// one buffer serves every socket: reads run one at a time on the thread, each callback before the
// next read.
//
// The option is only for sockets being made, so it is switched on through the two fields and the
// handle method that the option sets (found by their symbols' names, checked on every socket). A
// runtime without them keeps the default mode: nothing else changes, reads arrive as 'data'.
// Limits: only for a socket with nothing in its Readable buffer (just accepted, connecting, or a
// TLS socket whose handshake just ended), since bytes already there would come after newer ones;
// bytes it emitted before are the caller's to have taken. `pause()` and `resume()` stop and
// restart reading as they do in the default mode, and EOF and errors arrive as before.

import type * as Net from "node:net";
import type { Duplex } from "node:stream";

/** The size of the shared buffer: what Node reads at most per call in its default mode. */
export const SHARED_READ_SIZE = 64 * 1024;

let shared: Uint8Array | null = null;

interface Hooks {
  readonly buffer: symbol;
  readonly callback: symbol;
}
let hooks: Hooks | null | undefined; // undefined: not looked for yet; null: this runtime has none

function hooksOf(socket: object): Hooks | null {
  if (hooks !== undefined) return hooks;
  let buffer: symbol | undefined, callback: symbol | undefined;
  for (const s of Object.getOwnPropertySymbols(socket)) {
    if (s.description === "kBuffer") buffer = s;
    else if (s.description === "kBufferCb") callback = s;
  }
  return (hooks = buffer !== undefined && callback !== undefined ? { buffer, callback } : null);
}

/**
 * Makes `socket` read into the shared buffer and call `onRead(count, buffer)` for each read, in
 * place of its 'data' events. False (nothing changed) where the runtime does not support it, the
 * socket was switched already, or bytes wait in its Readable buffer.
 */
export function readIntoSharedBuffer(socket: Net.Socket, onRead: (n: number, buf: Uint8Array) => void): boolean {
  const h = hooksOf(socket);
  if (h === null) return false;
  const s = socket as unknown as Record<symbol, unknown> & {
    _handle?: { useUserBuffer?(buf: Uint8Array): void } | null;
  };
  const handle = s._handle;
  if (
    handle === null ||
    handle === undefined ||
    typeof handle.useUserBuffer !== "function" ||
    s[h.buffer] !== null ||
    s[h.callback] !== null ||
    socket.readableLength !== 0
  )
    return false;
  const buf = (shared ??= new Uint8Array(SHARED_READ_SIZE));
  s[h.buffer] = buf;
  s[h.callback] = onRead;
  handle.useUserBuffer(buf);
  return true;
}

/**
 * What a layer that takes `socket` over (TLS started in place) should wrap, once the host stopped
 * listening to it. Where the handle can go back to the default mode (Node: the TLS layer reads the
 * handle through a listener of its own, above this one), the socket itself. Deno's TLS layer reads
 * a native handle through the handle's read callback, which a handle reading into a caller's buffer
 * never calls, and Deno's handle cannot leave that mode: there the new layer gets a Duplex relaying
 * the socket's bytes both ways (as it would for any stream that is not a socket).
 */
export function handOver(socket: Net.Socket, duplex: typeof Duplex): Net.Socket | Duplex {
  const h = hooksOf(socket)!;
  const s = socket as unknown as Record<symbol, unknown>;
  if (typeof (globalThis as { Deno?: unknown }).Deno !== "object") {
    s[h.buffer] = null;
    s[h.callback] = null;
    return socket;
  }
  const relay: Duplex = new duplex({
    read() {
      if (socket.isPaused()) socket.resume();
    },
    write(chunk: Uint8Array, _encoding: string, done: (err?: Error | null) => void) {
      socket.write(chunk, done);
    },
    final(done: () => void) {
      socket.end();
      done();
    },
    destroy(err: Error | null, done: (err: Error | null) => void) {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  s[h.callback] = (n: number, buf: Uint8Array) => {
    if (!relay.push(buf.slice(0, n))) socket.pause();
  };
  socket.on("end", () => relay.push(null));
  socket.on("error", (err) => relay.destroy(err));
  socket.on("close", () => relay.destroy());
  return relay;
}
