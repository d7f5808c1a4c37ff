// Thin wrappers over the WASI preview1 calls a command built on wasio's loop needs: reading and
// writing fds, sockets (accept, recv, send, shutdown), arguments and exit. Each returns a count or
// a new fd (>= 0), or a negated WASI errno (< 0); none traps on an I/O error.
//
// Limits: one scratch area, so these are not reentrant (wasm is single-threaded: that is fine);
// strings are written as UTF-8.

export { ERRNO_BADF, ERRNO_PERM } from "../core/wasi";
export const ERRNO_AGAIN: i32 = 6;
export const FDFLAGS_NONBLOCK: u16 = 4;
export const SDFLAGS_WR: u8 = 2;

@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, nread: usize): u16;
@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLen: usize, nwritten: usize): u16;
@external("wasi_snapshot_preview1", "fd_close")
declare function fd_close(fd: u32): u16;
@external("wasi_snapshot_preview1", "fd_fdstat_set_flags")
declare function fd_fdstat_set_flags(fd: u32, flags: u16): u16;
@external("wasi_snapshot_preview1", "sock_accept")
declare function sock_accept(fd: u32, flags: u16, newFd: usize): u16;
@external("wasi_snapshot_preview1", "sock_recv")
declare function sock_recv(fd: u32, iovs: usize, iovsLen: usize, flags: u16, nread: usize, roflags: usize): u16;
@external("wasi_snapshot_preview1", "sock_send")
declare function sock_send(fd: u32, iovs: usize, iovsLen: usize, flags: u16, nwritten: usize): u16;
@external("wasi_snapshot_preview1", "sock_shutdown")
declare function sock_shutdown(fd: u32, how: u8): u16;
@external("wasi_snapshot_preview1", "args_sizes_get")
declare function args_sizes_get(argc: usize, bufSize: usize): u16;
@external("wasi_snapshot_preview1", "args_get")
declare function args_get(argv: usize, buf: usize): u16;
@external("wasi_snapshot_preview1", "proc_exit")
declare function proc_exit(code: u32): void;

// iovec (ptr, len) at 0, result words at 8 and 12.
const scratch = memory.data(16, 8);

@inline function iov(buf: usize, len: i32): usize {
  store<u32>(scratch, <u32>buf);
  store<u32>(scratch, <u32>len, 4);
  return scratch;
}

@inline function result(err: u16, at: usize): i32 {
  return err != 0 ? -(<i32>err) : load<i32>(scratch + at);
}

/** Reads at most `len` bytes of `fd` into `buf`: the count (0 = end of input), or -errno. */
export function read(fd: i32, buf: usize, len: i32): i32 {
  return result(fd_read(fd, iov(buf, len), 1, scratch + 8), 8);
}

/** Writes at most `len` bytes of `buf` to `fd`: the count written, or -errno. */
export function write(fd: i32, buf: usize, len: i32): i32 {
  return result(fd_write(fd, iov(buf, len), 1, scratch + 8), 8);
}

/** Receives at most `len` bytes from socket `fd`: the count (0 = the peer closed), or -errno. */
export function recv(fd: i32, buf: usize, len: i32): i32 {
  return result(sock_recv(fd, iov(buf, len), 1, 0, scratch + 8, scratch + 12), 8);
}

/** Sends at most `len` bytes on socket `fd`: the count sent, or -errno (-6: would block). */
export function send(fd: i32, buf: usize, len: i32): i32 {
  return result(sock_send(fd, iov(buf, len), 1, 0, scratch + 8), 8);
}

/** Accepts a connection on listening socket `fd`: the new fd (non-blocking), or -errno. */
export function accept(fd: i32): i32 {
  return result(sock_accept(fd, FDFLAGS_NONBLOCK, scratch + 8), 8);
}

/** Shuts down the writing side of socket `fd`: 0 or -errno. */
export function shutdownWrite(fd: i32): i32 {
  return -(<i32>sock_shutdown(fd, SDFLAGS_WR));
}

/** Closes `fd`: 0 or -errno. */
export function close(fd: i32): i32 {
  return -(<i32>fd_close(fd));
}

/** Makes `fd` non-blocking: 0 or -errno. */
export function setNonblocking(fd: i32): i32 {
  return -(<i32>fd_fdstat_set_flags(fd, FDFLAGS_NONBLOCK));
}

/** Writes all of `text` (UTF-8) to `fd`, retrying short writes: 0, or -errno. */
export function print(fd: i32, text: string): i32 {
  const bytes = String.UTF8.encode(text);
  const base = changetype<usize>(bytes);
  let at = 0;
  const len = bytes.byteLength;
  while (at < len) {
    const n = write(fd, base + <usize>at, len - at);
    if (n == -ERRNO_AGAIN) continue;
    if (n < 0) return n;
    at += n;
  }
  return 0;
}

/** The command's arguments (the first is the program's name). */
export function args(): string[] {
  const out = new Array<string>();
  if (args_sizes_get(scratch + 8, scratch + 12) != 0) return out;
  const argc = load<u32>(scratch + 8);
  const size = load<u32>(scratch + 12);
  const ptrs = heap.alloc(<usize>argc << 2);
  const buf = heap.alloc(size);
  if (args_get(ptrs, buf) == 0) {
    for (let i: u32 = 0; i < argc; i++) {
      const p = load<u32>(ptrs + (<usize>i << 2));
      let end = p;
      while (load<u8>(end) != 0) end++;
      out.push(String.UTF8.decodeUnsafe(p, end - p));
    }
  }
  heap.free(ptrs);
  heap.free(buf);
  return out;
}

/** Ends the command with exit status `code` (never returns). */
export function exit(code: i32): void {
  proc_exit(code);
}

/**
 * An abort handler for commands: writes the message to stderr and exits with status 134 (what
 * wasmtime gives a trapping command on Unix). Select it with `asc --use
 * abort=~lib/wasio/assembly/wasi/index/abortCommand` (inside this repository:
 * `abort=assembly/wasi/index/abortCommand`).
 */
export function abortCommand(message: string | null, fileName: string | null, line: u32, column: u32): void {
  print(2, "abort: " + (message !== null ? message : "") + " at " +
    (fileName !== null ? fileName : "?") + ":" + line.toString() + ":" + column.toString() + "\n");
  exit(134);
}
