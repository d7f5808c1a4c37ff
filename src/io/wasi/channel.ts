// The channel between a WASI guest's worker and the thread that runs wasio's loop: one
// SharedArrayBuffer holding a control block and a data area. The worker runs the module; every
// syscall that needs the loop (stdin, sockets, poll_oneoff) is a request: the worker writes the
// operation, its arguments and its bytes, flips STATE to REQUEST, notifies, and sleeps in
// Atomics.wait until the loop side flips STATE to REPLY. The loop side never blocks: it learns of
// a request through Atomics.waitAsync and answers when the loop has the answer (at once for a
// read with data waiting, later for a poll that must wait). One request is in flight at a time.
//
// Two shortcuts keep a busy socket program from paying one round trip per syscall:
// - Read-ahead: a poll reply carries, after its events, the bytes waiting on each readable socket
//   (PREFETCH_BYTES at most per socket); the worker keeps them and serves the next reads and
//   polls of that socket itself.
// - Deferred sends: the worker appends socket writes to the OUTBOX area and reports them written;
//   the loop side sends them, in order, at the start of the next request. Bytes the socket does
//   not take at once wait on the loop side, and the socket is listed in the BACKLOG area of every
//   reply until they are gone; the worker sends to a listed socket synchronously, so it sees
//   EAGAIN (or blocks) as with a full kernel buffer. At most OUTBOX_BYTES are ever in flight.
//
// Limits: a request's bytes must fit the data area (DATA_BYTES); reads and writes larger than it
// are cut to it, as a short read or write, which POSIX allows.

/** Int32 slots of the control block. */
export const STATE = 0; // IDLE, REQUEST, REPLY
export const OP = 1;
export const ARG0 = 2; // ARG0..ARG3: operation arguments
export const RESULT = 6; // >= 0 result, < 0 -errno
export const OUTBOX = 7; // bytes of deferred sends waiting in the outbox
export const SLEEP = 15; // a slot nobody notifies: the worker's short sleeps wait on it
export const CONTROL_INTS = 16;

export const IDLE = 0;
export const REQUEST = 1;
export const REPLY = 2;

/** Operations. Fds in requests are the loop host's fds (or STDIN_FD). */
export const OP_POLL = 1; // ARG0 nsubs; data: records (below) → RESULT nevents; data: events
export const OP_READ = 2; // ARG0 fd, ARG1 max bytes, ARG2 1 = block → RESULT n; data: bytes
export const OP_SEND = 3; // ARG0 fd, ARG1 n, ARG2 1 = block; data: bytes → RESULT n written
export const OP_ACCEPT = 4; // ARG0 fd, ARG1 1 = block → RESULT new fd
export const OP_SHUTDOWN = 5; // ARG0 fd, ARG1 how (1 read, 2 write)
export const OP_CLOSE = 6; // ARG0 fd
export const OP_EXIT = 7; // ARG0 exit code (the worker does not wait for a reply)
export const OP_TRAP = 8; // ARG0 message length; data: UTF-8 message (no reply)
export const OP_FAIL = 9; // like OP_TRAP, for an error that is not a trap (exit status 1)
export const OP_FLUSH = 10; // nothing but the outbox's sends → RESULT 0

/** The fd requests use for the guest's stdin. */
export const STDIN_FD = -3;

/** Bytes of the data area, the outbox and the backlog list (i32 count, then host fds). */
export const DATA_BYTES = 1 << 20;
export const OUTBOX_BYTES = 256 << 10;
export const BACKLOG_INTS = 1025;
/** Where each area starts in the shared buffer, and its whole size. */
export const DATA_AT = CONTROL_INTS * 4;
export const OUTBOX_AT = DATA_AT + DATA_BYTES;
export const BACKLOG_AT = OUTBOX_AT + OUTBOX_BYTES;
export const SHARED_BYTES = BACKLOG_AT + BACKLOG_INTS * 4;
/** Read-ahead per readable socket in a poll reply. Records after the events: u32 count, then
 * per socket i32 host fd, u32 length, the bytes, padded to 4. Outbox records: i32 host fd,
 * u32 length, the bytes, padded to 4. */
export const PREFETCH_BYTES = 64 << 10;

/**
 * A poll record (worker → loop), 32 bytes: userdata u64 @0, kind u8 @8 (KIND_*), fd i32 @12
 * (the host fd, STDIN_FD, or ALWAYS_READY for files and stdout), deadline f64 @16 (ms on the
 * shared clock; clocks only), errno u16 @24 (an event to report at once: a bad fd).
 * Events (loop → worker) are WASI's 32-byte event records.
 */
export const RECORD_BYTES = 32;
export const KIND_CLOCK = 0;
export const KIND_READ = 1;
export const KIND_WRITE = 2;
export const ALWAYS_READY = -1;
export const BAD_FD = -2;

/** Milliseconds since the epoch, from the monotonic clock: the same value in every thread. */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

/** What the loop side sends a new worker. */
export interface GuestStart {
  sab: SharedArrayBuffer;
  bytes: Uint8Array;
  args: string[];
  env: Record<string, string>;
  /** Guest fds 3, 4, … of the listeners, as host fds. */
  listeners: number[];
  /** Preopened host directories: [host path, guest path]. */
  dirs: [string, string][];
}
