// One end of a simulated TCP connection, as an fd resource of a VirtualHost. It holds what a
// kernel socket holds: a receive buffer (bounded by the window, so a slow reader makes its sender
// block), a send queue of bytes not yet on the wire, a count of bytes in flight, and the sticky
// error of a refused or reset connection. Moving bytes between ends is the network's job
// (SimNetwork); this file only keeps state and answers readiness, level-triggered.

import type { Resource } from "../fd-table.js";
import type { SockAddr } from "../socket-api.js";
import type { LinkState } from "./sim-links.js";
import { ChunkQueue } from "../chunk-queue.js";

/** Bytes a socket may hold written-but-unacknowledged (queued or in flight) before EAGAIN. */
export const SEND_BUFFER = 64 * 1024;
/** The receive window: bytes buffered plus in flight towards a socket never exceed it. */
export const RECV_WINDOW = 64 * 1024;

/** What a socket tells its network. */
export interface SocketOwner {
  _socketClosed(s: SimSocket): void;
}

export const CONNECTING = 0;
export const OPEN = 1;
export const FAILED = 2;

export class SimSocket implements Resource {
  fd = -1;
  /** The connection's other end, once the connection is set up. */
  peer: SimSocket | null = null;
  state = CONNECTING;
  /** Sticky WASI errno (ECONNREFUSED, ECONNRESET…) and the name to report (ENOTFOUND…). */
  errno = 0;
  code: string | null = null;
  /** Received and not yet read. */
  private readonly chunks = new ChunkQueue();
  recvBuffered = 0;
  /** The peer's FIN arrived: reads end once the buffer is empty. */
  eof = false;
  /** Written and not yet sent (waiting for window). */
  readonly sendQueue = new ChunkQueue();
  sendQueued = 0;
  /** Sent and not yet arrived. */
  inflight = 0;
  /** Write side shut: a FIN follows the queued bytes. */
  finPending = false;
  finSent = false;
  /** Arrival time of the last segment sent from here (segments of a connection arrive in order). */
  lastArrival = 0;
  /** The fd was closed. */
  closed = false;
  /** The link state of this end's sending direction, cached for `linkVersion`. */
  link: LinkState | null = null;
  linkVersion = -1;

  constructor(
    private readonly owner: SocketOwner,
    readonly id: number,
    readonly local: SockAddr,
    readonly remote: SockAddr,
  ) {}

  readReady(): boolean {
    return this.recvBuffered > 0 || this.eof || this.errno !== 0;
  }
  writeReady(): boolean {
    return this.state !== CONNECTING && (this.errno !== 0 || this.sendQueued + this.inflight < SEND_BUFFER);
  }
  readableBytes(): number {
    return this.recvBuffered;
  }
  hungUp(): boolean {
    return this.eof || this.errno !== 0;
  }
  takeError(): number {
    return 0;
  }
  close(): void {
    this.closed = true;
    this.owner._socketClosed(this);
  }

  /** Appends bytes that arrived. */
  push(data: Uint8Array): void {
    this.chunks.push(data);
    this.recvBuffered += data.length;
  }

  /** Copies up to `max` buffered bytes into `into`; returns the count (0 when none). */
  take(into: Uint8Array, max: number): number {
    let n = 0;
    const want = Math.min(max, into.length);
    const chunks = this.chunks;
    while (n < want && !chunks.empty) {
      const c = chunks.first();
      const k = Math.min(c.length, want - n);
      into.set(k === c.length ? c : c.subarray(0, k), n);
      n += k;
      if (k === c.length) chunks.shift();
      else chunks.setFirst(c.subarray(k));
    }
    this.recvBuffered -= n;
    return n;
  }

  /** Drops everything buffered in both directions (a reset or an abort). */
  dropAll(): void {
    this.chunks.clear();
    this.recvBuffered = 0;
    this.sendQueue.clear();
    this.sendQueued = 0;
  }

  /** Fails the socket with `errno` (named `code`); it becomes readable and writable to report it. */
  fail(errno: number, code: string): void {
    if (this.errno !== 0) return;
    this.errno = errno;
    this.code = code;
    if (this.state === CONNECTING) this.state = FAILED;
    this.dropAll();
  }
}
