// A connected (or connecting) TCP socket as an fd resource: Node's completion-style socket adapted
// to level-triggered readiness and a WASI-shaped, never-blocking data path.
//
// Receiving: chunks queue here until `recv` copies them out (or `recvOwned` hands one over). They
// are Node's 'data' chunks, or, for a socket the host made itself (`readShared`), copies out of
// the shared buffer Node reads into (shared-read-buffer.ts), which skip Node's Readable stream.
// While more than RECV_LIMIT bytes wait, the socket is paused (Node stops reading from the
// kernel, TCP's window closes, the sender slows down); it is resumed once `recv` drains the queue
// to half of that, so a slow reader cannot grow memory without bound. Sending: `send` accepts
// bytes while Node's write buffer is under SEND_HIGH_WATER and refuses with EAGAIN beyond it;
// Node's 'drain' makes it writable again. It copies what it accepts, unless the caller gives the
// array up (`sockSend`'s `given`: a transport's own queued bytes).
//
// Readiness (level-triggered): readable while bytes wait, or at EOF, or after an error; writable
// once connected while the write buffer is under the high-water mark (or after an error, so the
// writer learns of it). Every change from not-ready to ready is told to the owner (the host),
// whose notify() wakes a loop waiting in `host.idle()`.

import type * as Net from "node:net";
import type { Duplex } from "node:stream";
import type { Resource } from "../fd-table.js";
import { ERRNO_AGAIN, ERRNO_BADF, ERRNO_NOTCONN, ERRNO_PIPE, ERRNO_SUCCESS, describeHostError } from "../errno.js";
import { SHUT_RD, SHUT_WR, type SockAddr, unixSockAddr } from "../socket-api.js";
import { nodeBuffer, nodeStream } from "./node-modules.js";
import { keepLatest } from "../../keep-latest.js";
import { ChunkQueue } from "../chunk-queue.js";
import { handOver, readIntoSharedBuffer } from "./shared-read-buffer.js";

/** Told of every change to ready (a method, not a closure: one call target for all sockets). */
export interface ReadinessOwner {
  _readinessChanged(res: Resource): void;
  /** Node's socket of a closed fd is gone (it may outlive its fd while its writes flush). */
  _untrack(s: TcpSocket): void;
}

/** Bytes queued for reading beyond which the socket is paused. */
export const RECV_LIMIT = 256 * 1024;
/** Bytes in Node's write buffer at and beyond which `send` returns EAGAIN. */
export const SEND_HIGH_WATER = 64 * 1024;

const EMPTY = new Uint8Array(0);

/**
 * The peer's address, asked of the socket's handle where it has `getpeername` (TCP, and TLS,
 * which forwards it): reading `remoteAddress` instead makes Node cache it in a property its
 * sockets are not made with, and sockets of several shapes make Node's own stream code slower
 * for every read and write (measured on a TCP echo with both ends in one process: megamorphic
 * property loads in Node's Readable.read and writeOrBuffer, about 3 % of its instructions).
 */
function peerOf(s: Net.Socket): SockAddr | null {
  const handle = (s as unknown as { _handle?: { getpeername?(out: Partial<SockAddr>): number } | null })._handle;
  if (typeof handle?.getpeername === "function") {
    const out: Partial<SockAddr> = {};
    if (handle.getpeername(out) !== 0 || typeof out.port !== "number") return null;
    return { address: out.address!, port: out.port, family: out.family! };
  }
  if (s.remoteAddress === undefined) return null;
  return { address: s.remoteAddress, port: s.remotePort!, family: s.remoteFamily! };
}

export class TcpSocket implements Resource {
  fd = -1;
  private readonly chunks = new ChunkQueue(); // received chunks not fully read
  /**
   * True once `readShared` took effect: reads come through the shared buffer, and every queued
   * chunk is an array of its own made here.
   */
  readsShared = false;
  private headAt = 0; // bytes of the first chunk already read
  /** Bytes received and not read yet. */
  recvBuffered = 0;
  /** True while the socket is paused because `recvBuffered` is over RECV_LIMIT. */
  paused = false;
  /** True while the connection is being set up (a `connect` not answered yet). */
  connecting: boolean;
  /** The peer sent FIN (or the socket closed): reads end once the queue is empty. */
  eof = false;
  /** The sticky WASI errno of a failed connection (0 if none) and its name. */
  errno = ERRNO_SUCCESS;
  code: string | null = null;
  /** True after `close()`: the fd is gone. */
  closed = false;
  /** False for a pipe (a child's stdio, a Unix socket pair): abort() cannot send it a reset. */
  resettable = true;
  private readShut = false;
  private writeShut = false;
  private reportErrno = ERRNO_SUCCESS;
  private local: SockAddr | null = null;
  private peer: SockAddr | null = null;

  /**
   * `connectEvent` is the event that ends connecting: "connect" for TCP, "secureConnect" (a TLS
   * client) or "secure" (a TLS server socket upgraded in place) once the handshake is done.
   */
  constructor(
    readonly socket: Net.Socket,
    connecting: boolean,
    private readonly owner: ReadinessOwner,
    connectEvent = "connect",
  ) {
    this.connecting = connecting;
    keepLatest("socket", this); // the code optimized for sockets stays valid across loops (keep-latest.ts)
    const on = this.handlers;
    socket.on("data", on.data);
    socket.on("end", on.end);
    socket.on("error", on.error);
    socket.on("close", on.close);
    socket.on("drain", on.drain);
    if (connecting) socket.once(connectEvent, () => this.onConnect());
    else this.remember();
  }

  private readonly handlers = {
    data: (chunk: Uint8Array) => this.onData(chunk),
    read: (n: number, buf: Uint8Array) => this.onData(buf.slice(0, n)),
    end: () => this.onEnd(),
    error: (err: Error) => this.onError(err),
    close: () => {
      this.onEnd();
      if (this.closed) this.owner._untrack(this);
    },
    drain: () => {
      if (!this.closed) this.owner._readinessChanged(this);
    },
  };

  /**
   * Has Node read this socket into the shared buffer (shared-read-buffer.ts) instead of making a
   * Buffer per read: for a socket the host has just made (connecting, or just accepted), before
   * any of its bytes wait unread. A runtime without that mode keeps the 'data' events.
   */
  readShared(): void {
    if (readIntoSharedBuffer(this.socket, this.handlers.read)) this.readsShared = true;
  }

  /**
   * Hands Node's socket over to a new owner (a TLS layer started in place): this resource stops
   * listening to it and will not close it, and the stream the new owner must wrap is returned
   * (the socket, or a relay of it: shared-read-buffer.ts). Refused (null) while received bytes wait
   * unread, since the new owner would not see them.
   */
  detach(): Net.Socket | Duplex | null {
    if (this.recvBuffered > 0 || this.closed) return null;
    const s = this.socket,
      on = this.handlers;
    s.off("data", on.data);
    s.off("end", on.end);
    s.off("error", on.error);
    s.off("close", on.close);
    s.off("drain", on.drain);
    this.closed = true;
    this.owner._untrack(this);
    return this.readsShared ? handOver(s, nodeStream().Duplex) : s;
  }

  /** Takes the addresses of `from` where this socket's own stream cannot tell them (a relay). */
  inheritAddresses(from: TcpSocket): void {
    this.local ??= from.local;
    this.peer ??= from.peer;
  }

  // ------------------------------------------------------------------ host events

  private onData(chunk: Uint8Array): void {
    if (this.closed || this.readShut) return;
    const wasEmpty = this.recvBuffered === 0;
    this.chunks.push(chunk);
    this.recvBuffered += chunk.length;
    if (this.recvBuffered > RECV_LIMIT && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (wasEmpty) this.owner._readinessChanged(this);
  }

  private onEnd(): void {
    if (this.eof) return;
    this.eof = true;
    if (!this.closed) this.owner._readinessChanged(this);
  }

  private onError(err: unknown): void {
    if (this.errno !== ERRNO_SUCCESS) return;
    const { errno, code } = describeHostError(err);
    this.errno = this.reportErrno = errno;
    this.code = code;
    this.connecting = false;
    if (!this.closed) this.owner._readinessChanged(this);
  }

  private onConnect(): void {
    this.connecting = false;
    this.remember();
    if (!this.closed) this.owner._readinessChanged(this);
  }

  /** Keeps the addresses: Node forgets them once the socket is destroyed. */
  private remember(): void {
    const s = this.socket;
    if (typeof s.address !== "function") return; // a pipe stream without socket addresses
    const a = s.address() as Partial<SockAddr>;
    if (typeof a.port === "number") this.local = { address: a.address!, port: a.port, family: a.family! };
    const peer = peerOf(s);
    if (peer !== null) this.peer = peer;
  }

  /** Names a Unix socket's ends (Node gives a pipe no addresses): `local` and `peer` paths, "" for unnamed. */
  nameUnix(local: string, peer: string): void {
    this.local = unixSockAddr(local);
    this.peer = unixSockAddr(peer);
  }

  // ------------------------------------------------------------------ Resource

  readReady(): boolean {
    return this.recvBuffered > 0 || this.eof || this.errno !== ERRNO_SUCCESS || this.readShut;
  }

  writeReady(): boolean {
    if (this.errno !== ERRNO_SUCCESS || this.writeShut || (this.eof && this.socket.destroyed)) return true;
    return !this.connecting && this.socket.writableLength < SEND_HIGH_WATER;
  }

  readableBytes(): number {
    return this.recvBuffered;
  }

  hungUp(): boolean {
    return this.eof || this.errno !== ERRNO_SUCCESS;
  }

  takeError(): number {
    const e = this.reportErrno;
    this.reportErrno = ERRNO_SUCCESS;
    return e;
  }

  /** Closes as POSIX close does: queued writes are flushed, then the socket is destroyed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropReceived();
    const s = this.socket;
    if (s.destroyed) return;
    if (this.errno !== ERRNO_SUCCESS || this.connecting) {
      s.destroy();
      return;
    }
    if (this.paused) s.resume();
    s.end(() => s.destroy());
  }

  /** Closes at once, discarding queued writes; the peer sees a reset (RST). */
  abort(): void {
    this.closed = true;
    this.dropReceived();
    const s = this.socket;
    if (s.destroyed) return;
    // No reset once end() was called: libuv refuses it (EINVAL) and the handle is never closed.
    if (this.resettable && typeof s.resetAndDestroy === "function" && !this.connecting && !s.writableEnded) {
      try {
        s.resetAndDestroy();
      } catch {
        s.destroy(); // a handle that cannot send a reset (a TLS layer over the socket)
      }
    } else s.destroy();
  }

  // ------------------------------------------------------------------ data path

  /** Copies queued bytes into `into`: the count, 0 at EOF, or -errno (-EAGAIN when none wait). */
  recv(into: Uint8Array): number {
    if (this.closed) return -ERRNO_BADF;
    if (this.recvBuffered === 0) {
      if (this.errno !== ERRNO_SUCCESS) return -this.errno;
      if (this.eof || this.readShut) return 0;
      return -ERRNO_AGAIN;
    }
    const want = into.length;
    const chunks = this.chunks;
    let n = 0;
    while (n < want && !chunks.empty) {
      const chunk = chunks.first();
      const from = this.headAt;
      const take = Math.min(chunk.length - from, want - n);
      into.set(take === chunk.length ? chunk : chunk.subarray(from, from + take), n);
      n += take;
      if (from + take === chunk.length) {
        chunks.shift();
        this.headAt = 0;
      } else {
        this.headAt = from + take;
      }
    }
    this.taken(n);
    return n;
  }

  /**
   * recv into an array the caller keeps: the queued chunk itself, without a copy, when it is the
   * only one queued, fits in `max` and is an array of its own (a copy out of the shared buffer, or
   * a Node chunk that is a whole ArrayBuffer, as Node makes one per read; a chunk that is a view
   * into a shared buffer is copied instead); otherwise a copy of up to `max` bytes. 0 at EOF,
   * or -errno (-EAGAIN when none wait), as recv.
   */
  recvOwned(max: number): Uint8Array | number {
    if (this.closed || this.recvBuffered === 0) return this.recv(EMPTY);
    const chunks = this.chunks;
    const chunk = chunks.first();
    const len = chunk.length;
    if (chunks.size === 1 && this.headAt === 0 && len <= max) {
      if (this.readsShared) {
        chunks.shift();
        this.taken(len);
        return chunk; // made by `handlers.read`, held by nothing else
      }
      const ab = chunk.byteOffset === 0 ? chunk.buffer : null;
      if (ab !== null && ab.byteLength === len && ab instanceof ArrayBuffer) {
        chunks.shift();
        this.taken(len);
        return new Uint8Array(ab, 0, len);
      }
    }
    const out = new Uint8Array(Math.min(max, this.recvBuffered));
    this.recv(out);
    return out;
  }

  private taken(n: number): void {
    this.recvBuffered -= n;
    if (this.paused && this.recvBuffered <= RECV_LIMIT / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /**
   * Queues up to the room under the high-water mark: the count, -EAGAIN, or -errno. `given`: the
   * caller gives `data` up (never changes it again), so Node may keep it instead of a copy.
   */
  send(data: Uint8Array, given = false): number {
    if (this.closed) return -ERRNO_BADF;
    if (this.errno !== ERRNO_SUCCESS) return -this.errno;
    const s = this.socket;
    if (this.writeShut || s.destroyed || s.writableEnded) return -ERRNO_PIPE;
    if (this.connecting) return -ERRNO_AGAIN;
    const room = SEND_HIGH_WATER - s.writableLength;
    if (data.length === 0) return 0;
    if (room <= 0) return -ERRNO_AGAIN;
    const n = data.length <= room ? data.length : room;
    if (given) {
      s.write(n === data.length ? data : data.subarray(0, n));
      return n;
    }
    // A copy (the caller may reuse its buffer at once, as after send(2)); small ones come from
    // Buffer's shared pool, so no ArrayBuffer is made per send. allocUnsafe + set is Buffer.from
    // without its dispatch on the argument's kind.
    const copy = nodeBuffer().allocUnsafe(n);
    copy.set(n === data.length ? data : data.subarray(0, n));
    s.write(copy);
    return n;
  }

  /** Shuts down reading (SHUT_RD), writing (SHUT_WR: FIN after queued bytes) or both. */
  shutdown(how: number): number {
    if (this.closed) return -ERRNO_BADF;
    if (this.connecting) return -ERRNO_NOTCONN;
    if (how & SHUT_RD && !this.readShut) {
      this.readShut = true;
      this.dropReceived();
    }
    if (how & SHUT_WR && !this.writeShut) {
      this.writeShut = true;
      if (!this.socket.destroyed) this.socket.end();
    }
    return 0;
  }

  /** Bytes in Node's write buffer (accepted by `send`, not yet handed to the kernel). */
  sendBuffered(): number {
    return this.closed ? 0 : this.socket.writableLength;
  }

  sockName(): SockAddr | null {
    return this.local;
  }

  peerName(): SockAddr | null {
    return this.peer;
  }

  private dropReceived(): void {
    this.chunks.clear();
    this.headAt = 0;
    this.recvBuffered = 0;
    if (this.paused) {
      this.paused = false;
      if (!this.socket.destroyed) this.socket.resume();
    }
  }
}
