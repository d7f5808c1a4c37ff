// The loop side of one running WASI guest: answers the worker's requests (channel.ts) with wasio's
// loop and host. Requests that can be answered now are answered at once (a read with bytes
// waiting, a send under the high-water mark, a poll with something ready); the others wait on the
// loop — addReader/addWriter on the host's fds and one timer for the earliest clock — and are
// answered when it fires. The loop's thread never blocks: requests arrive by Atomics.waitAsync.
//
// The session owns every host fd it opened for the guest (listeners, accepted sockets, stdin) and
// closes them when the guest ends, however it ends (exit, trap, cancel).

import type { EventLoop } from "../../loop/event-loop.js";
import type { Handle, TimerHandle } from "../../loop/handle.js";
import type { SocketHost } from "../../hosts/node/socket-host.js";
import { StdinReader } from "../../hosts/node/stdin-reader.js";
import {
  ALWAYS_READY, ARG0, BAD_FD, CONTROL_INTS, DATA_BYTES, KIND_CLOCK, KIND_READ, OP, OP_ACCEPT, OP_CLOSE,
  OP_EXIT, OP_FAIL, OP_POLL, OP_READ, OP_SEND, OP_SHUTDOWN, OP_TRAP, RECORD_BYTES, REPLY, REQUEST, RESULT, STATE,
  STDIN_FD, sharedNow,
} from "./channel.js";

const ERRNO_AGAIN = 6, ERRNO_BADF = 8, ERRNO_NOSYS = 52;
const EVENT_FD_READ = 1, EVENT_FD_WRITE = 2, EVENT_CLOCK = 0, HANGUP = 1;

/** How a guest ended: an exit code, or a message (trap: status 134; failure: status 1). */
export type GuestEnd = { code: number; message?: string };

export class GuestSession {
  readonly ctl: Int32Array;
  readonly data: Uint8Array;
  private readonly dv: DataView;
  private readonly owned = new Set<number>();
  private stdin: StdinReader | null = null;
  private readers: number[] = [];
  private writers: number[] = [];
  private timer: TimerHandle | null = null;
  private ended = false;
  private readonly onFire = (): void => this.pollAgain();
  private pendingPoll = 0;
  private retry: (() => void) | null = null;

  constructor(
    readonly sab: SharedArrayBuffer,
    private readonly loop: EventLoop,
    private readonly host: SocketHost,
    private readonly onEnd: (end: GuestEnd) => void,
  ) {
    this.ctl = new Int32Array(sab, 0, CONTROL_INTS);
    this.data = new Uint8Array(sab, CONTROL_INTS * 4, DATA_BYTES);
    this.dv = new DataView(sab, CONTROL_INTS * 4, DATA_BYTES);
  }

  /** Gives the guest a host fd it owns (a listener); closed when the session ends. */
  own(fd: number): void {
    this.owned.add(fd);
  }

  /** Starts listening for requests. */
  start(): void {
    this.arm();
  }

  private arm(): void {
    if (this.ended) return;
    const s = Atomics.load(this.ctl, STATE);
    if (s === REQUEST) { this.handle(); return; }
    const w = (Atomics as any).waitAsync(this.ctl, STATE, s) as { async: boolean; value: Promise<string> | string };
    if (w.async) (w.value as Promise<string>).then(() => this.arm());
    else queueMicrotask(() => this.arm());
  }

  private reply(result: number): void {
    if (this.ended) return;
    this.ctl[RESULT] = result;
    Atomics.store(this.ctl, STATE, REPLY);
    Atomics.notify(this.ctl, STATE);
    this.arm();
  }

  private handle(): void {
    const c = this.ctl;
    const a0 = c[ARG0], a1 = c[ARG0 + 1], a2 = c[ARG0 + 2];
    switch (c[OP]) {
      case OP_POLL: this.pendingPoll = a0; this.pollAgain(); return;
      case OP_READ: this.read(a0, a1, a2 === 1); return;
      case OP_SEND: this.send(a0, a1, a2 === 1); return;
      case OP_ACCEPT: this.accept(a0, a1 === 1); return;
      case OP_SHUTDOWN: this.reply(this.host.sockShutdown(a0, a1)); return;
      case OP_CLOSE: this.owned.delete(a0); this.reply(this.host.fdClose(a0)); return;
      case OP_EXIT: this.end({ code: a0 }); return;
      case OP_TRAP: this.end({ code: 134, message: this.text(a1) }); return;
      case OP_FAIL: this.end({ code: 1, message: this.text(a1) }); return;
      default: this.reply(-ERRNO_NOSYS);
    }
  }

  private text(n: number): string {
    return new TextDecoder().decode(this.data.slice(0, n));
  }

  private stdinFd(): number {
    if (this.stdin === null) {
      this.stdin = new StdinReader((res) => this.host._readinessChanged(res));
      this.owned.add(this.host.fds.open(this.stdin));
    }
    return this.stdin.fd;
  }

  private hostFd(fd: number): number {
    return fd === STDIN_FD ? this.stdinFd() : fd;
  }

  /** Retries `op` when `fd` becomes ready (a blocking call that would have returned EAGAIN). */
  private waitFor(fd: number, write: boolean, op: () => void): void {
    this.retry = op;
    if (write) { this.loop.addWriter(fd, this.onRetry); this.writers.push(fd); }
    else { this.loop.addReader(fd, this.onRetry); this.readers.push(fd); }
  }

  private readonly onRetry = (): void => {
    const op = this.retry!;
    this.retry = null;
    this.unwatch();
    op();
  };

  private read(fd: number, max: number, block: boolean): void {
    const h = this.hostFd(fd);
    const into = this.data.subarray(0, max);
    const n = h === this.stdin?.fd ? this.stdin.recv(into) : this.host.sockRecv(h, into);
    if (n === -ERRNO_AGAIN && block) this.waitFor(h, false, () => this.read(fd, max, block));
    else this.reply(n);
  }

  private send(fd: number, len: number, block: boolean): void {
    const n = this.host.sockSend(fd, this.data.subarray(0, len));
    if (n === -ERRNO_AGAIN && block) this.waitFor(fd, true, () => this.send(fd, len, block));
    else this.reply(n);
  }

  private accept(fd: number, block: boolean): void {
    const n = this.host.sockAccept(fd);
    if (n >= 0) this.owned.add(n);
    if (n === -ERRNO_AGAIN && block) this.waitFor(fd, false, () => this.accept(fd, block));
    else this.reply(n);
  }

  /** Answers the pending poll if anything is ready; otherwise watches its fds and earliest clock. */
  private pollAgain(): void {
    this.unwatch();
    const n = this.pendingPoll, d = this.dv;
    const events: [bigint, number, number, number, number][] = [];
    const now = sharedNow();
    let earliest = Infinity;
    for (let i = 0; i < n; i++) {
      const r = i * RECORD_BYTES;
      const userdata = d.getBigUint64(r, true), kind = d.getUint8(r + 8), err = d.getUint16(r + 24, true);
      if (kind === KIND_CLOCK) {
        const at = d.getFloat64(r + 16, true);
        if (err !== 0 || at <= now) events.push([userdata, err, EVENT_CLOCK, 0, 0]);
        else if (at < earliest) earliest = at;
        continue;
      }
      const type = kind === KIND_READ ? EVENT_FD_READ : EVENT_FD_WRITE;
      const fd = d.getInt32(r + 12, true);
      if (fd === ALWAYS_READY) { events.push([userdata, 0, type, 0, 0]); continue; }
      const h = fd === STDIN_FD ? this.stdinFd() : fd;
      const res = fd === BAD_FD ? undefined : this.host.fds.get(h);
      if (res === undefined) { events.push([userdata, ERRNO_BADF, type, 0, 0]); continue; }
      const ready = type === EVENT_FD_READ ? res.readReady() : res.writeReady();
      if (ready) {
        events.push([userdata, res.takeError(), type, type === EVENT_FD_READ ? res.readableBytes() : 0, res.hungUp() ? HANGUP : 0]);
      } else if (type === EVENT_FD_READ) {
        if (!this.readers.includes(h)) { this.loop.addReader(h, this.onFire); this.readers.push(h); }
      } else if (!this.writers.includes(h)) { this.loop.addWriter(h, this.onFire); this.writers.push(h); }
    }
    if (events.length === 0) {
      if (earliest !== Infinity) {
        this.timer = this.loop.callLater(Math.max(0, earliest - now), this.onFire);
        // Requests arrive outside the loop's passes: a loop waiting in its host may not know of
        // this new timer until it is woken.
        this.host.wakeup();
      }
      return;
    }
    this.unwatch();
    for (let i = 0; i < events.length; i++) {
      const [userdata, err, type, nbytes, flags] = events[i], o = i * 32;
      d.setBigUint64(o, userdata, true);
      d.setUint32(o + 8, 0, true);
      d.setUint16(o + 8, err, true);
      d.setUint8(o + 10, type);
      d.setBigUint64(o + 16, BigInt(nbytes), true);
      d.setBigUint64(o + 24, BigInt(flags), true);
    }
    this.reply(events.length);
  }

  private unwatch(): void {
    for (const fd of this.readers) this.loop.removeReader(fd);
    for (const fd of this.writers) this.loop.removeWriter(fd);
    this.readers.length = 0;
    this.writers.length = 0;
    if (this.timer !== null) { this.timer.cancel(); this.timer = null; }
  }

  /** Ends the session (guest exited, trapped, failed, or was cancelled) and closes its fds. */
  end(end: GuestEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.retry = null;
    if (!this.loop.isClosed()) this.unwatch();
    for (const fd of this.owned) this.host.fdClose(fd);
    this.owned.clear();
    this.stdin = null;
    Atomics.notify(this.ctl, STATE); // settles the pending waitAsync, which then sees `ended`
    this.onEnd(end);
  }
}
