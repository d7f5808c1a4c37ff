// The worker that runs a WASI command for `runWasi` (bundled alone as dist/wasi-worker.js, with
// @wasmer/wasi inside). It owns the guest's fd table and composes two providers:
//
//   @wasmer/wasi   args, environ, random_get, and every import not named below
//   this file      clocks (the shared monotonic clock, not Date.now()), sched_yield, proc_exit,
//                  stdio (stdout/stderr written through at once, stdin from the loop), sockets
//                  and poll_oneoff (requests to the loop over the channel), and preopened host
//                  directories (guest-files.ts)
//
// @wasmer/wasi ignores an edited import object given to its `instantiate(module, imports)`, so
// the instance is built here from `getImports(module)` with these functions laid over it, then
// handed to `wasi.instantiate(instance)`. The module runs on this thread; a syscall that waits
// sleeps in Atomics.wait, never the loop's thread.

import { init, WASI } from "@wasmer/wasi";
import * as fs from "node:fs";
import { parentPort } from "node:worker_threads";
import {
  ALWAYS_READY,
  ARG0,
  BACKLOG_AT,
  BACKLOG_INTS,
  BAD_FD,
  CONTROL_INTS,
  DATA_AT,
  DATA_BYTES,
  IDLE,
  KIND_CLOCK,
  KIND_READ,
  KIND_WRITE,
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
  RECORD_BYTES,
  REQUEST,
  RESULT,
  SLEEP,
  STATE,
  STDIN_FD,
  sharedNow,
  type GuestStart,
} from "./channel.js";
import { GuestFiles, type FileEntry } from "./guest-files.js";
import {
  ERRNO_BADF,
  ERRNO_IO,
  ERRNO_PIPE,
  ERRNO_INVAL,
  ERRNO_NOTSOCK,
  ERRNO_SPIPE,
  ERRNO_NOTSUP,
} from "../../hosts/errno.js";

const FDFLAG_NONBLOCK = 4;
const FILETYPE_CHAR = 2,
  FILETYPE_SOCKET_STREAM = 6;

interface StreamEntry {
  kind: "stdin" | "stdout" | "socket" | "listener";
  host: number;
  nonblock: boolean;
  fdFlags: number;
  /** Read-ahead bytes from the last poll reply, not read yet (sockets only). */
  ahead: Uint8Array | null;
}

type Entry = StreamEntry | FileEntry;

const stream = (kind: StreamEntry["kind"], host: number): StreamEntry => ({
  kind,
  host,
  nonblock: false,
  fdFlags: 0,
  ahead: null,
});

class ProcExit {
  constructor(readonly code: number) {}
}

class Guest {
  readonly ctl: Int32Array;
  readonly data: Uint8Array;
  readonly outbox: Uint8Array;
  readonly outboxView: DataView;
  readonly backlogList: Int32Array;
  /** Host fds with sends waiting on the loop side: sends to them are not deferred. */
  readonly backlogged = new Set<number>();
  readonly sockets = new Map<number, StreamEntry>(); // by host fd
  outUsed = 0;
  readonly fds: (Entry | undefined)[] = [];
  memory!: WebAssembly.Memory;
  readonly files: GuestFiles;

  constructor(readonly start: GuestStart) {
    this.ctl = new Int32Array(start.sab, 0, CONTROL_INTS);
    this.data = new Uint8Array(start.sab, DATA_AT, DATA_BYTES);
    this.outbox = new Uint8Array(start.sab, OUTBOX_AT, OUTBOX_BYTES);
    this.outboxView = new DataView(start.sab, OUTBOX_AT, OUTBOX_BYTES);
    this.backlogList = new Int32Array(start.sab, BACKLOG_AT, BACKLOG_INTS);
    this.fds[0] = stream("stdin", STDIN_FD);
    this.fds[1] = stream("stdout", 1);
    this.fds[2] = stream("stdout", 2);
    for (const l of start.listeners) this.fds.push(stream("listener", l));
    this.files = new GuestFiles(this.fds as (FileEntry | undefined)[], () => this.view());
    for (const [hostPath, guestPath] of start.dirs) this.files.preopen(hostPath, guestPath);
  }

  view(): DataView {
    return new DataView(this.memory.buffer);
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  /** Sends one request and sleeps until its reply; returns RESULT. */
  call(op: number, a0 = 0, a1 = 0, a2 = 0): number {
    const c = this.ctl;
    c[OP] = op;
    c[ARG0] = a0;
    c[ARG0 + 1] = a1;
    c[ARG0 + 2] = a2;
    c[OUTBOX] = this.outUsed;
    this.outUsed = 0;
    Atomics.store(c, STATE, REQUEST);
    Atomics.notify(c, STATE);
    while (Atomics.load(c, STATE) === REQUEST) Atomics.wait(c, STATE, REQUEST);
    const r = c[RESULT];
    const list = this.backlogList,
      n = list[0];
    if (n > 0 || this.backlogged.size > 0) {
      this.backlogged.clear();
      for (let i = 1; i <= n; i++) this.backlogged.add(list[i]);
    }
    Atomics.store(c, STATE, IDLE);
    return r;
  }

  /** Posts a last message (exit, trap) without waiting for a reply. */
  post(op: number, a0: number, text = ""): void {
    const enc = new TextEncoder().encodeInto(text, this.data);
    const c = this.ctl;
    c[OP] = op;
    c[ARG0] = a0;
    c[ARG0 + 1] = enc.written;
    c[OUTBOX] = this.outUsed;
    Atomics.store(c, STATE, REQUEST);
    Atomics.notify(c, STATE);
  }

  /** The iovecs at `iovs` as [address, length] pairs. */
  iovecs(iovs: number, n: number): [number, number][] {
    const v = this.view();
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) out.push([v.getUint32(iovs + i * 8, true), v.getUint32(iovs + i * 8 + 4, true)]);
    return out;
  }

  /** Reads from a loop-side fd into the iovecs (one request, at most DATA_BYTES). */
  readInto(e: StreamEntry, iovs: number, n: number, out: number): number {
    const vecs = this.iovecs(iovs, n);
    let want = 0;
    for (const [, len] of vecs) want += len;
    if (want === 0) {
      this.view().setUint32(out, 0, true);
      return 0;
    }
    let src: Uint8Array, r: number;
    if (e.ahead !== null) {
      src = e.ahead;
      r = Math.min(want, src.length);
      e.ahead = r === src.length ? null : src.subarray(r);
    } else {
      r = this.call(OP_READ, e.host, Math.min(want, DATA_BYTES), e.nonblock ? 0 : 1);
      if (r < 0) return -r;
      src = this.data;
    }
    const mem = this.bytes();
    let at = 0;
    for (const [ptr, len] of vecs) {
      if (at >= r) break;
      const k = Math.min(len, r - at);
      mem.set(src.subarray(at, at + k), ptr);
      at += k;
    }
    this.view().setUint32(out, r, true);
    return 0;
  }

  /** Gathers the iovecs (at most DATA_BYTES) into the data area; returns the byte count. */
  gather(iovs: number, n: number): number {
    const mem = this.bytes();
    let at = 0;
    for (const [ptr, len] of this.iovecs(iovs, n)) {
      const k = Math.min(len, DATA_BYTES - at);
      this.data.set(mem.subarray(ptr, ptr + k), at);
      at += k;
      if (at === DATA_BYTES) break;
    }
    return at;
  }

  sendFrom(e: StreamEntry, iovs: number, n: number, out: number): number {
    if (!this.backlogged.has(e.host)) {
      // Deferred: into the outbox, sent by the loop side at the start of the next request.
      const vecs = this.iovecs(iovs, n);
      let len = 0;
      for (const [, l] of vecs) len += l;
      if (len <= OUTBOX_BYTES - 8) {
        if (this.outUsed + 8 + len > OUTBOX_BYTES) this.call(OP_FLUSH); // makes room: sends the outbox
        const mem = this.bytes(),
          at = this.outUsed;
        this.outboxView.setInt32(at, e.host, true);
        this.outboxView.setUint32(at + 4, len, true);
        let k = at + 8;
        for (const [ptr, l] of vecs) {
          this.outbox.set(mem.subarray(ptr, ptr + l), k);
          k += l;
        }
        this.outUsed = at + 8 + ((len + 3) & ~3);
        this.view().setUint32(out, len, true);
        return 0;
      }
    }
    const len = this.gather(iovs, n);
    const r = this.call(OP_SEND, e.host, len, e.nonblock ? 0 : 1);
    if (r < 0) return -r;
    this.view().setUint32(out, r, true);
    return 0;
  }

  writeStdio(fd: number, iovs: number, n: number, out: number): number {
    const mem = this.bytes();
    let total = 0;
    for (const [ptr, len] of this.iovecs(iovs, n)) {
      let at = 0;
      while (at < len) {
        try {
          at += fs.writeSync(fd, mem, ptr + at, len - at);
        } catch (err) {
          // A non-blocking pipe that is full: wait a little on this thread (never the loop's).
          const code = (err as { code?: string }).code;
          if (code === "EPIPE") return ERRNO_PIPE;
          if (code !== "EAGAIN") return ERRNO_IO;
          Atomics.wait(this.ctl, SLEEP, 0, 1);
        }
      }
      total += len;
    }
    this.view().setUint32(out, total, true);
    return 0;
  }

  poll(subs: number, events: number, nsubs: number, nout: number): number {
    if (nsubs === 0) return ERRNO_INVAL;
    const v = this.view();
    // Sockets with read-ahead bytes are readable now: answered here, without a request.
    let local = 0;
    for (let i = 0; i < nsubs; i++) {
      const s = subs + i * 48;
      if (v.getUint8(s + 8) !== 1) continue;
      const e = this.fds[v.getUint32(s + 16, true)];
      if (e === undefined || e.kind !== "socket" || e.ahead === null) continue;
      const o = events + local++ * 32;
      v.setBigUint64(o, v.getBigUint64(s, true), true);
      v.setUint32(o + 8, 0, true);
      v.setUint8(o + 10, 1);
      v.setBigUint64(o + 16, BigInt(e.ahead.length), true);
      v.setBigUint64(o + 24, 0n, true);
    }
    if (local > 0) {
      v.setUint32(nout, local, true);
      return 0;
    }
    const d = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    const max = Math.min(nsubs, Math.floor(DATA_BYTES / RECORD_BYTES));
    for (let i = 0; i < max; i++) {
      const s = subs + i * 48,
        r = i * RECORD_BYTES;
      d.setBigUint64(r, v.getBigUint64(s, true), true);
      const tag = v.getUint8(s + 8);
      d.setUint16(r + 24, 0, true);
      if (tag === 0) {
        const clock = v.getUint32(s + 16, true);
        const timeout = Number(v.getBigUint64(s + 24, true)) / 1e6;
        const abs = (v.getUint16(s + 40, true) & 1) !== 0;
        d.setUint8(r + 8, KIND_CLOCK);
        d.setFloat64(
          r + 16,
          abs ? (clock === 0 ? timeout - Date.now() + sharedNow() : timeout) : sharedNow() + timeout,
          true,
        );
      } else if (tag === 1 || tag === 2) {
        const fd = v.getUint32(s + 16, true);
        const e = this.fds[fd];
        d.setUint8(r + 8, tag === 1 ? KIND_READ : KIND_WRITE);
        let host: number;
        if (e === undefined) host = BAD_FD;
        else if (e.kind === "file" || e.kind === "dir" || e.kind === "stdout") host = ALWAYS_READY;
        else host = (e as { host: number }).host;
        d.setInt32(r + 12, host, true);
      } else {
        d.setUint8(r + 8, KIND_CLOCK);
        d.setFloat64(r + 16, 0, true);
        d.setUint16(r + 24, ERRNO_INVAL, true);
      }
    }
    const n = this.call(OP_POLL, max);
    if (n < 0) return -n;
    this.bytes().set(this.data.subarray(0, n * 32), events);
    v.setUint32(nout, n, true);
    let at = n * 32;
    const count = d.getUint32(at, true);
    at += 4;
    for (let i = 0; i < count; i++) {
      const host = d.getInt32(at, true),
        len = d.getUint32(at + 4, true);
      const e = this.sockets.get(host);
      if (e !== undefined) e.ahead = this.data.slice(at + 8, at + 8 + len);
      at += 8 + ((len + 3) & ~3);
    }
    return 0;
  }

  socketEntry(fd: number): StreamEntry | number {
    const e = this.fds[fd];
    if (e === undefined) return ERRNO_BADF;
    if (e.kind !== "socket" && e.kind !== "listener") return ERRNO_NOTSOCK;
    return e;
  }

  newFd(e: Entry): number {
    let fd = 3;
    while (this.fds[fd] !== undefined) fd++;
    this.fds[fd] = e;
    return fd;
  }

  imports(): Record<string, (...a: any[]) => number> {
    return {
      proc_exit: (code: number): number => {
        throw new ProcExit(code);
      },
      sched_yield: () => 0,
      clock_time_get: (id: number, _precision: bigint, out: number): number => {
        if (id > 3) return ERRNO_INVAL;
        const ms = id === 0 ? Date.now() : sharedNow();
        this.view().setBigUint64(out, BigInt(Math.round(ms * 1e3)) * 1000n, true);
        return 0;
      },
      clock_res_get: (id: number, out: number): number => {
        if (id > 3) return ERRNO_INVAL;
        this.view().setBigUint64(out, 1000n, true);
        return 0;
      },
      poll_oneoff: (subs: number, events: number, n: number, nout: number) => this.poll(subs, events, n, nout),
      fd_read: (fd: number, iovs: number, n: number, out: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "stdin" || e.kind === "socket") return this.readInto(e, iovs, n, out);
        if (e.kind === "file" || e.kind === "dir") return this.files.read(e, this.iovecs(iovs, n), out, -1);
        return ERRNO_BADF;
      },
      fd_write: (fd: number, iovs: number, n: number, out: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "stdout") return this.writeStdio(e.host, iovs, n, out);
        if (e.kind === "socket") return this.sendFrom(e, iovs, n, out);
        if (e.kind === "file" || e.kind === "dir") return this.files.write(e, this.iovecs(iovs, n), out, -1);
        return ERRNO_BADF;
      },
      fd_close: (fd: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        this.fds[fd] = undefined;
        if (e.kind === "socket" || e.kind === "listener") {
          this.sockets.delete(e.host);
          const r = this.call(OP_CLOSE, e.host);
          return r < 0 ? -r : 0;
        }
        if (e.kind === "file" || e.kind === "dir") return this.files.close(e);
        return 0;
      },
      fd_fdstat_get: (fd: number, out: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "file" || e.kind === "dir") return this.files.fdstat(e, out);
        const v = this.view();
        v.setUint8(out, e.kind === "socket" || e.kind === "listener" ? FILETYPE_SOCKET_STREAM : FILETYPE_CHAR);
        v.setUint16(out + 2, e.fdFlags | (e.nonblock ? FDFLAG_NONBLOCK : 0), true);
        v.setBigUint64(out + 8, 0x1fffffffn, true);
        v.setBigUint64(out + 16, 0x1fffffffn, true);
        return 0;
      },
      fd_fdstat_set_flags: (fd: number, flags: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "file" || e.kind === "dir") return this.files.setFlags(e, flags);
        e.nonblock = (flags & FDFLAG_NONBLOCK) !== 0;
        e.fdFlags = flags & ~FDFLAG_NONBLOCK;
        return 0;
      },
      fd_seek: (fd: number, offset: bigint, whence: number, out: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "file" || e.kind === "dir") return this.files.seek(e, offset, whence, out);
        return ERRNO_SPIPE;
      },
      fd_tell: (fd: number, out: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "file" || e.kind === "dir") return this.files.seek(e, 0n, 1, out);
        return ERRNO_SPIPE;
      },
      fd_filestat_get: (fd: number, out: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "file" || e.kind === "dir") return this.files.filestat(e, out);
        const v = this.view();
        for (let i = 0; i < 64; i += 8) v.setBigUint64(out + i, 0n, true);
        v.setUint8(out + 16, e.kind === "socket" || e.kind === "listener" ? FILETYPE_SOCKET_STREAM : FILETYPE_CHAR);
        return 0;
      },
      fd_prestat_get: (fd: number, out: number) => this.files.prestat(fd, out),
      fd_prestat_dir_name: (fd: number, path: number, len: number) => this.files.prestatName(fd, path, len),
      fd_pread: (fd: number, iovs: number, n: number, offset: bigint, out: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "file") return this.files.read(e, this.iovecs(iovs, n), out, Number(offset));
        return ERRNO_SPIPE;
      },
      fd_pwrite: (fd: number, iovs: number, n: number, offset: bigint, out: number): number => {
        const e = this.fds[fd];
        if (e === undefined) return ERRNO_BADF;
        if (e.kind === "file") return this.files.write(e, this.iovecs(iovs, n), out, Number(offset));
        return ERRNO_SPIPE;
      },
      fd_sync: (fd: number) => (this.fds[fd] === undefined ? ERRNO_BADF : 0),
      fd_datasync: (fd: number) => (this.fds[fd] === undefined ? ERRNO_BADF : 0),
      fd_readdir: (fd: number, buf: number, len: number, cookie: bigint, out: number) =>
        this.files.readdir(fd, buf, len, cookie, out),
      fd_filestat_set_size: (fd: number, size: bigint) => this.files.setSize(fd, size),
      path_open: (
        dirfd: number,
        lookup: number,
        path: number,
        len: number,
        oflags: number,
        rb: bigint,
        ri: bigint,
        fdflags: number,
        out: number,
      ) => this.files.open(dirfd, lookup, path, len, oflags, rb, ri, fdflags, out),
      path_filestat_get: (dirfd: number, flags: number, path: number, len: number, out: number) =>
        this.files.pathFilestat(dirfd, flags, path, len, out),
      path_create_directory: (dirfd: number, path: number, len: number) => this.files.mkdir(dirfd, path, len),
      path_remove_directory: (dirfd: number, path: number, len: number) => this.files.rmdir(dirfd, path, len),
      path_unlink_file: (dirfd: number, path: number, len: number) => this.files.unlink(dirfd, path, len),
      path_rename: (fd: number, p: number, pl: number, nfd: number, np: number, npl: number) =>
        this.files.rename(fd, p, pl, nfd, np, npl),
      sock_accept: (fd: number, flags: number, out: number): number => {
        const e = this.socketEntry(fd);
        if (typeof e === "number") return e;
        if (e.kind !== "listener") return ERRNO_NOTSUP;
        const r = this.call(OP_ACCEPT, e.host, e.nonblock ? 0 : 1);
        if (r < 0) return -r;
        const sock = stream("socket", r);
        sock.nonblock = (flags & FDFLAG_NONBLOCK) !== 0;
        this.sockets.set(r, sock);
        const gfd = this.newFd(sock);
        this.view().setUint32(out, gfd, true);
        return 0;
      },
      sock_recv: (fd: number, iovs: number, n: number, _flags: number, out: number, roflags: number): number => {
        const e = this.socketEntry(fd);
        if (typeof e === "number") return e;
        this.view().setUint16(roflags, 0, true);
        return this.readInto(e, iovs, n, out);
      },
      sock_send: (fd: number, iovs: number, n: number, _flags: number, out: number): number => {
        const e = this.socketEntry(fd);
        if (typeof e === "number") return e;
        return this.sendFrom(e, iovs, n, out);
      },
      sock_shutdown: (fd: number, how: number): number => {
        const e = this.socketEntry(fd);
        if (typeof e === "number") return e;
        const r = this.call(OP_SHUTDOWN, e.host, how);
        return r < 0 ? -r : 0;
      },
    };
  }
}

async function main(start: GuestStart): Promise<void> {
  let guest: Guest;
  try {
    guest = new Guest(start);
  } catch (err) {
    new Guest({ ...start, dirs: [] }).post(OP_FAIL, 0, (err as Error).message);
    return;
  }
  try {
    await init();
    const module =
      (start as GuestStart & { module: WebAssembly.Module | null }).module ??
      (await WebAssembly.compile(start.bytes as Uint8Array<ArrayBuffer>));
    const wasi = new WASI({ args: start.args, env: start.env });
    const base = wasi.getImports(module) as Record<string, Record<string, unknown>>;
    const ours = guest.imports();
    const preview1 = { ...base.wasi_snapshot_preview1, ...ours };
    const instance = await WebAssembly.instantiate(module, {
      ...base,
      wasi_snapshot_preview1: preview1,
    } as WebAssembly.Imports);
    wasi.instantiate(instance);
    guest.memory = instance.exports.memory as WebAssembly.Memory;
    let code = 0;
    try {
      (instance.exports._start as () => void)();
    } catch (err) {
      if (err instanceof ProcExit) code = err.code;
      else if (err instanceof WebAssembly.RuntimeError) {
        guest.post(OP_TRAP, 0, `wasm trap: ${err.message}`);
        return;
      } else throw err;
    }
    guest.post(OP_EXIT, code);
  } catch (err) {
    guest.post(OP_FAIL, 0, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
}

parentPort!.once("message", (start: GuestStart) => {
  void main(start);
});
