// The loop side of one running WASI guest: answers the worker's requests (channel.ts) with wasio's
// loop and host. Requests that can be answered now are answered at once (a read with bytes
// waiting, a send under the high-water mark, a poll with something ready); the others wait on the
// loop — addReader/addWriter on the host's fds and one timer for the earliest clock — and are
// answered when it fires. The loop's thread never blocks: requests arrive by Atomics.waitAsync.
//
// Every request first sends the worker's deferred writes (the outbox); what a socket does not take
// waits here (`backlog`) until the socket is writable, and every reply lists the sockets that
// still have some. A poll reply carries read-ahead bytes for the readable sockets.
//
// The session owns every host fd it opened for the guest (listeners, accepted sockets, stdin) and
// closes them when the guest ends, however it ends (exit, trap, cancel).

import type { EventLoop } from "../../loop/event-loop.js";
import type { TimerHandle } from "../../loop/handle.js";
import type { SocketHost } from "../../hosts/node/socket-host.js";
import { ERRNO_AGAIN, ERRNO_BADF, ERRNO_NOSYS } from "../../hosts/errno.js";
import {
  ALWAYS_READY,
  ARG0,
  BACKLOG_AT,
  BACKLOG_INTS,
  BAD_FD,
  CONTROL_INTS,
  DATA_AT,
  DATA_BYTES,
  KIND_CLOCK,
  KIND_READ,
  OP,
  OP_ACCEPT,
  OP_CLOSE,
  OP_EXIT,
  OP_FAIL,
  OP_FLUSH,
  OP_POLL,
  OP_READ,
  OP_SEND,
  OP_SHUTDOWN,
  OP_TRAP,
  OUTBOX,
  OUTBOX_AT,
  OUTBOX_BYTES,
  PREFETCH_BYTES,
  RECORD_BYTES,
  REPLY,
  REQUEST,
  RESULT,
  STATE,
  STDIN_FD,
  sharedNow,
} from "./channel.js";

/** How long the sockets of an ended guest may take to flush before they are reset. */
const CLOSE_GRACE_MS = 5000;
const EVENT_FD_READ = 1,
  EVENT_FD_WRITE = 2,
  EVENT_CLOCK = 0,
  HANGUP = 1;

/** How a guest ended: an exit code, or a message (trap: status 134; failure: status 1). */
export type GuestEnd = { code: number; message?: string };

export class GuestSession {
  readonly ctl: Int32Array;
  private readonly data: Uint8Array;
  private readonly dv: DataView;
  private readonly outbox: Uint8Array;
  private readonly outboxView: DataView;
  private readonly backlogList: Int32Array;
  private readonly owned = new Set<number>();
  /** The host fd of the process's stdin, once the guest has used its fd 0. */
  private stdin = -1;
  /** Bytes of deferred sends a socket has not taken yet, by host fd. */
  private readonly backlog = new Map<number, Uint8Array[]>();
  private readonly pollReaders = new Set<number>();
  private readonly pollWriters = new Set<number>();
  private readonly watchedReaders = new Set<number>();
  private readonly watchedWriters = new Set<number>();
  private timer: TimerHandle | null = null;
  private ended = false;
  private polling = false;
  private pendingPoll = 0;
  /** A blocking read/send/accept waiting for its fd, retried when the fd is ready. */
  private retry: { fd: number; write: boolean; op: () => void } | null = null;
  private readonly onTimer = (): void => {
    this.timer = null;
    this.pollAgain();
  };
  private readonly onReadable = (fd: number): void => this.fdReady(fd, false);
  private readonly onWritable = (fd: number): void => {
    if (this.backlog.has(fd)) this.flushBacklog(fd);
    this.fdReady(fd, true);
  };

  constructor(
    readonly sab: SharedArrayBuffer,
    private readonly loop: EventLoop,
    private readonly host: SocketHost,
    private readonly onEnd: (end: GuestEnd) => void,
  ) {
    this.ctl = new Int32Array(sab, 0, CONTROL_INTS);
    this.data = new Uint8Array(sab, DATA_AT, DATA_BYTES);
    this.dv = new DataView(sab, DATA_AT, DATA_BYTES);
    this.outbox = new Uint8Array(sab, OUTBOX_AT, OUTBOX_BYTES);
    this.outboxView = new DataView(sab, OUTBOX_AT, OUTBOX_BYTES);
    this.backlogList = new Int32Array(sab, BACKLOG_AT, BACKLOG_INTS);
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
    if (s === REQUEST) {
      this.handle();
      return;
    }
    const w = (Atomics as any).waitAsync(this.ctl, STATE, s) as { async: boolean; value: Promise<string> | string };
    if (w.async) (w.value as Promise<string>).then(() => this.arm());
    else queueMicrotask(() => this.arm());
  }

  private reply(result: number): void {
    if (this.ended) return;
    const list = this.backlogList;
    let n = 0;
    for (const fd of this.backlog.keys()) if (n < BACKLOG_INTS - 1) list[1 + n++] = fd;
    list[0] = n;
    this.ctl[RESULT] = result;
    Atomics.store(this.ctl, STATE, REPLY);
    Atomics.notify(this.ctl, STATE);
    this.arm();
  }

  private handle(): void {
    const c = this.ctl;
    if (c[OUTBOX] > 0) this.sendOutbox(c[OUTBOX]);
    const a0 = c[ARG0],
      a1 = c[ARG0 + 1],
      a2 = c[ARG0 + 2];
    switch (c[OP]) {
      case OP_POLL:
        this.pendingPoll = a0;
        this.polling = true;
        this.pollAgain();
        return;
      case OP_READ:
        this.read(a0, a1, a2 === 1);
        return;
      case OP_SEND:
        this.send(a0, a1, a2 === 1);
        return;
      case OP_ACCEPT:
        this.accept(a0, a1 === 1);
        return;
      case OP_FLUSH:
        this.reply(0);
        return;
      case OP_SHUTDOWN:
        if (a1 & 2) this.surrenderBacklog(a0);
        this.reply(this.host.sockShutdown(a0, a1));
        return;
      case OP_CLOSE:
        this.close(a0);
        return;
      case OP_EXIT:
        this.end({ code: a0 });
        return;
      case OP_TRAP:
        this.end({ code: 134, message: this.text(a1) });
        return;
      case OP_FAIL:
        this.end({ code: 1, message: this.text(a1) });
        return;
      default:
        this.reply(-ERRNO_NOSYS);
    }
  }

  private text(n: number): string {
    return new TextDecoder().decode(this.data.slice(0, n));
  }

  // ------------------------------------------------------------------ deferred sends

  private sendOutbox(used: number): void {
    const v = this.outboxView;
    for (let at = 0; at < used; ) {
      const fd = v.getInt32(at, true),
        len = v.getUint32(at + 4, true);
      const bytes = this.outbox.subarray(at + 8, at + 8 + len);
      at += 8 + ((len + 3) & ~3);
      const queued = this.backlog.get(fd);
      if (queued !== undefined) {
        queued.push(bytes.slice());
        continue;
      }
      const n = this.host.sockSend(fd, bytes);
      if (n === len || (n < 0 && n !== -ERRNO_AGAIN)) continue; // sent, or failed: the next send reports it
      this.backlog.set(fd, [bytes.slice(Math.max(n, 0))]);
      this.syncWatch(fd);
    }
    this.ctl[OUTBOX] = 0;
  }

  private flushBacklog(fd: number): void {
    const queued = this.backlog.get(fd)!;
    while (queued.length > 0) {
      const n = this.host.sockSend(fd, queued[0]);
      if (n === -ERRNO_AGAIN) return;
      if (n >= 0 && n < queued[0].length) {
        queued[0] = queued[0].subarray(n);
        return;
      }
      queued.shift(); // sent, or the socket failed (the guest's next send sees it)
    }
    this.backlog.delete(fd);
    this.syncWatch(fd);
  }

  // ------------------------------------------------------------------ watching fds

  /** Adds or removes the loop's reader and writer for `fd` to match what is waiting on it. */
  private syncWatch(fd: number): void {
    const r = this.retry;
    const wantR = this.pollReaders.has(fd) || (r !== null && r.fd === fd && !r.write);
    const wantW = this.pollWriters.has(fd) || this.backlog.has(fd) || (r !== null && r.fd === fd && r.write);
    if (wantR !== this.watchedReaders.has(fd)) {
      if (wantR) {
        this.loop.addReader(fd, this.onReadable, fd);
        this.watchedReaders.add(fd);
      } else {
        this.loop.removeReader(fd);
        this.watchedReaders.delete(fd);
      }
    }
    if (wantW !== this.watchedWriters.has(fd)) {
      if (wantW) {
        this.loop.addWriter(fd, this.onWritable, fd);
        this.watchedWriters.add(fd);
      } else {
        this.loop.removeWriter(fd);
        this.watchedWriters.delete(fd);
      }
    }
  }

  private fdReady(fd: number, write: boolean): void {
    const r = this.retry;
    if (r !== null && r.fd === fd && r.write === write) {
      this.retry = null;
      this.syncWatch(fd);
      r.op();
    } else if (this.polling) {
      this.pollAgain();
    }
  }

  /** Retries `op` when `fd` becomes ready (a blocking call that would have returned EAGAIN). */
  private waitFor(fd: number, write: boolean, op: () => void): void {
    this.retry = { fd, write, op };
    this.syncWatch(fd);
  }

  // ------------------------------------------------------------------ requests

  private stdinFd(): number {
    if (this.stdin < 0) {
      this.stdin = this.host.openStdin();
      this.owned.add(this.stdin);
    }
    return this.stdin;
  }

  private read(fd: number, max: number, block: boolean): void {
    const h = fd === STDIN_FD ? this.stdinFd() : fd;
    const n = this.host.fdRead(h, this.data.subarray(0, max));
    if (n === -ERRNO_AGAIN && block) this.waitFor(h, false, () => this.read(fd, max, block));
    else this.reply(n);
  }

  private send(fd: number, len: number, block: boolean): void {
    const n = this.backlog.has(fd) ? -ERRNO_AGAIN : this.host.sockSend(fd, this.data.subarray(0, len));
    if (n === -ERRNO_AGAIN && block) this.waitFor(fd, true, () => this.send(fd, len, block));
    else this.reply(n);
  }

  private accept(fd: number, block: boolean): void {
    const n = this.host.sockAccept(fd);
    if (n >= 0) this.owned.add(n);
    if (n === -ERRNO_AGAIN && block) this.waitFor(fd, false, () => this.accept(fd, block));
    else this.reply(n);
  }

  /**
   * Hands a socket's backlog to the runtime's own write buffer (unbounded), so that closing it
   * still sends every byte the guest was told was sent, as close(2) does.
   */
  private surrenderBacklog(fd: number): void {
    const queued = this.backlog.get(fd);
    if (queued === undefined) return;
    this.backlog.delete(fd);
    for (const b of queued) this.host.sockSendAll(fd, b);
  }

  private close(fd: number): void {
    this.owned.delete(fd);
    this.surrenderBacklog(fd);
    this.pollReaders.delete(fd);
    this.pollWriters.delete(fd);
    this.syncWatch(fd);
    this.reply(this.host.fdClose(fd));
  }

  /** Answers the pending poll if anything is ready; otherwise watches its fds and earliest clock. */
  private pollAgain(): void {
    this.stopPollWatch();
    const n = this.pendingPoll,
      d = this.dv;
    const events: [bigint, number, number, number, number, number][] = [];
    const now = sharedNow();
    let earliest = Infinity;
    for (let i = 0; i < n; i++) {
      const r = i * RECORD_BYTES;
      const userdata = d.getBigUint64(r, true),
        kind = d.getUint8(r + 8),
        err = d.getUint16(r + 24, true);
      if (kind === KIND_CLOCK) {
        const at = d.getFloat64(r + 16, true);
        if (err !== 0 || at <= now) events.push([userdata, err, EVENT_CLOCK, 0, 0, -1]);
        else if (at < earliest) earliest = at;
        continue;
      }
      const type = kind === KIND_READ ? EVENT_FD_READ : EVENT_FD_WRITE;
      const fd = d.getInt32(r + 12, true);
      if (fd === ALWAYS_READY) {
        events.push([userdata, 0, type, 0, 0, -1]);
        continue;
      }
      const h = fd === STDIN_FD ? this.stdinFd() : fd;
      const res = fd === BAD_FD ? undefined : this.host.fds.get(h);
      if (res === undefined) {
        events.push([userdata, ERRNO_BADF, type, 0, 0, -1]);
        continue;
      }
      const ready = type === EVENT_FD_READ ? res.readReady() : res.writeReady() && !this.backlog.has(h);
      if (ready) {
        const bytes = type === EVENT_FD_READ ? res.readableBytes() : 0;
        events.push([
          userdata,
          res.takeError(),
          type,
          bytes,
          res.hungUp() ? HANGUP : 0,
          bytes > 0 && h !== this.stdin ? h : -1,
        ]);
      } else if (type === EVENT_FD_READ) this.pollReaders.add(h);
      else this.pollWriters.add(h);
    }
    if (events.length === 0) {
      for (const fd of this.pollReaders) this.syncWatch(fd);
      for (const fd of this.pollWriters) this.syncWatch(fd);
      if (earliest !== Infinity) {
        this.timer = this.loop.callLater(Math.max(0, earliest - now), this.onTimer);
        // Requests arrive outside the loop's passes: a loop waiting in its host may not know of
        // this new timer until it is woken.
        this.host.wakeup();
      }
      return;
    }
    this.pollReaders.clear();
    this.pollWriters.clear();
    this.polling = false;
    for (let i = 0; i < events.length; i++) {
      const [userdata, err, type, nbytes, flags] = events[i],
        o = i * 32;
      d.setBigUint64(o, userdata, true);
      d.setUint32(o + 8, 0, true);
      d.setUint16(o + 8, err, true);
      d.setUint8(o + 10, type);
      d.setBigUint64(o + 16, BigInt(nbytes), true);
      d.setBigUint64(o + 24, BigInt(flags), true);
    }
    this.readAhead(events, events.length * 32);
    this.reply(events.length);
  }

  /** Appends the bytes waiting on the readable sockets of `events` after them (see channel.ts). */
  private readAhead(events: [bigint, number, number, number, number, number][], at: number): void {
    const d = this.dv,
      countAt = at;
    let count = 0;
    at += 4;
    for (const e of events) {
      const fd = e[5];
      if (fd < 0 || DATA_BYTES - at < 8 + 1024) continue;
      const room = Math.min(PREFETCH_BYTES, DATA_BYTES - at - 8);
      const n = this.host.sockRecv(fd, this.data.subarray(at + 8, at + 8 + room));
      if (n <= 0) continue;
      d.setInt32(at, fd, true);
      d.setUint32(at + 4, n, true);
      at += 8 + ((n + 3) & ~3);
      count++;
    }
    d.setUint32(countAt, count, true);
  }

  private stopPollWatch(): void {
    const fds = [...this.pollReaders, ...this.pollWriters];
    this.pollReaders.clear();
    this.pollWriters.clear();
    for (const fd of fds) this.syncWatch(fd);
    if (this.timer !== null) {
      this.timer.cancel();
      this.timer = null;
    }
  }

  /**
   * The worker thread is gone. Its last message (exit, trap) may still wait in the channel — the
   * thread can end before the loop side has seen it — and is taken now; otherwise the guest died
   * without an exit status.
   */
  workerExited(): void {
    if (this.ended) return;
    if (Atomics.load(this.ctl, STATE) === REQUEST) this.handle();
    this.end({ code: 1, message: "wasio: the WASI worker exited without an exit status" });
  }

  /** Ends the session (guest exited, trapped, failed, or was cancelled) and closes its fds. */
  end(end: GuestEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.retry = null;
    this.polling = false;
    if (!this.loop.isClosed()) {
      this.stopPollWatch();
      for (const fd of [...this.watchedReaders]) this.loop.removeReader(fd);
      for (const fd of [...this.watchedWriters]) this.loop.removeWriter(fd);
    }
    this.watchedReaders.clear();
    this.watchedWriters.clear();
    for (const fd of [...this.backlog.keys()]) this.surrenderBacklog(fd);
    // Closed sockets flush what they were given before they go (some runtimes write
    // asynchronously): the end is reported once they are all gone, or after CLOSE_GRACE_MS.
    let open = this.owned.size + 1;
    const gone = (): void => {
      if (--open === 0) this.onEnd(end);
    };
    for (const fd of this.owned) this.host.fdCloseThen(fd, gone, CLOSE_GRACE_MS);
    this.owned.clear();
    this.stdin = -1;
    Atomics.notify(this.ctl, STATE); // settles the pending waitAsync, which then sees `ended`
    gone();
  }
}
