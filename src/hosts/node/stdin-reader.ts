// The process's stdin as an fd resource of a JavaScript host, so that a WASI guest's fd 0 has
// real readiness: readable while bytes wait, at end of input, or after an error. Bytes come from
// the runtime's `process.stdin` (Node, Deno) and queue here until `recv` copies them out; past
// RECV_LIMIT bytes the stream is paused, and resumed when `recv` has drained it to half.
//
// Limits: one reader per process makes sense (stdin is shared); `close` pauses the stream and
// drops its listeners, so the process can exit, but bytes already read are lost.

import type { Resource } from "../fd-table.js";
import { ERRNO_AGAIN, ERRNO_BADF, ERRNO_IO } from "../errno.js";
import { nodeBuiltin } from "./node-modules.js";

interface StdinStream {
  on(ev: string, f: (arg?: any) => void): unknown;
  removeListener(ev: string, f: (arg?: any) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

const RECV_LIMIT = 256 * 1024;

export class StdinReader implements Resource {
  fd = -1;
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private eof = false;
  private failed = false;
  private paused = false;
  private readonly stream: StdinStream;
  private readonly onData = (chunk: Uint8Array): void => {
    const wasReady = this.readReady();
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered > RECV_LIMIT && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
    if (!wasReady) this.changed(this);
  };
  private readonly onEnd = (): void => {
    const wasReady = this.readReady();
    this.eof = true;
    if (!wasReady) this.changed(this);
  };
  private readonly onError = (): void => {
    const wasReady = this.readReady();
    this.failed = true;
    if (!wasReady) this.changed(this);
  };

  /** `changed` is told of every change to ready (the host's readiness hook). */
  constructor(private readonly changed: (res: Resource) => void) {
    const proc = nodeBuiltin<{ stdin: StdinStream }>("node:process");
    if (proc === null) throw new Error("stdin is not available in this runtime (no process.stdin)");
    this.stream = proc.stdin;
    this.stream.on("data", this.onData);
    this.stream.on("end", this.onEnd);
    this.stream.on("error", this.onError);
  }

  /** Copies waiting bytes into `into`: n, 0 at end of input, -EAGAIN when none wait. */
  recv(into: Uint8Array): number {
    if (this.fd === -1) return -ERRNO_BADF;
    if (this.buffered === 0) return this.failed ? -ERRNO_IO : this.eof ? 0 : -ERRNO_AGAIN;
    let n = 0;
    while (n < into.length && this.chunks.length > 0) {
      const c = this.chunks[0];
      const take = Math.min(c.length, into.length - n);
      into.set(take === c.length ? c : c.subarray(0, take), n);
      n += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.buffered -= n;
    if (this.paused && this.buffered <= RECV_LIMIT / 2) {
      this.paused = false;
      this.stream.resume();
    }
    return n;
  }

  readReady(): boolean {
    return this.buffered > 0 || this.eof || this.failed;
  }

  writeReady(): boolean {
    return false;
  }

  readableBytes(): number {
    return this.buffered;
  }

  hungUp(): boolean {
    return this.eof && this.buffered === 0;
  }

  takeError(): number {
    return 0;
  }

  close(): void {
    this.stream.removeListener("data", this.onData);
    this.stream.removeListener("end", this.onEnd);
    this.stream.removeListener("error", this.onError);
    this.stream.pause();
    (this.stream as { unref?: () => void }).unref?.();
  }
}
