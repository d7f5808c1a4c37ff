// SendQueue: the bytes a socket transport holds because the host has not accepted them yet
// (EAGAIN), oldest first, and the loop that hands them to the host when the fd is writable.
// Owned by Transport (every connected stream fd: the streams, protocols, TLS, pipes).
//
// Chunks sit in one array read from a head index (no shift() per chunk); the array is emptied
// when everything is sent and compacted when the sent part is over half of it. A chunk the host
// took in part stays at the head as the subarray of what is left. Flow control, callbacks and
// errors belong to the transports: the queue only counts bytes and reports the host's errno.

import { ERRNO_AGAIN } from "../hosts/errno.js";
import type { SocketHostApi } from "../hosts/socket-api.js";

export class SendQueue {
  /** Bytes queued and not yet accepted by the host. */
  bytes = 0;
  private chunks: Uint8Array[] = [];
  private head = 0;

  /** Queues `chunk` behind what is queued; the caller owns no reference to it any more. */
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /**
   * Sends what the host takes now (until EAGAIN or empty); returns 0, or the errno of a failed
   * send. The queued chunks are the queue's own, so they are given to the host (no copy there).
   */
  flush(host: SocketHostApi, fd: number): number {
    const chunks = this.chunks;
    while (this.bytes > 0) {
      const chunk = chunks[this.head];
      const n = host.sockSend(fd, chunk, true);
      if (n === -ERRNO_AGAIN) break;
      if (n < 0) return -n;
      this.bytes -= n;
      if (n === chunk.length) chunks[this.head++] = undefined as unknown as Uint8Array;
      else chunks[this.head] = chunk.subarray(n);
    }
    if (this.bytes === 0) {
      chunks.length = 0;
      this.head = 0;
    } else if (this.head > 32 && this.head * 2 > chunks.length) {
      this.chunks = chunks.slice(this.head);
      this.head = 0;
    }
    return 0;
  }

  /** Drops everything queued (the connection is gone). */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.bytes = 0;
  }
}
