// The WASI preview1 imports the core uses, and nothing else: the module imports only
// `wasi_snapshot_preview1` (`poll_oneoff`, `clock_time_get`, `fd_fdstat_get`), so any WASI
// runtime (or a host shim) can drive it.

/** subscription/event `type` tag values (WASI `eventtype`). */
export const EVENTTYPE_CLOCK: u8 = 0;
export const EVENTTYPE_FD_READ: u8 = 1;
export const EVENTTYPE_FD_WRITE: u8 = 2;
/** WASI `errno` values the core returns itself (negated), beside those the provider reports. */
export const ERRNO_BADF: i32 = 8;
export const ERRNO_DEADLK: i32 = 16;
export const ERRNO_INVAL: i32 = 28;
export const ERRNO_PERM: i32 = 63;
/** WASI `clockid` of the monotonic clock. */
export const CLOCK_MONOTONIC: u32 = 1;

/** Waits for the given subscriptions (48 bytes each); writes events (32 bytes each) and their count. */
@external("wasi_snapshot_preview1", "poll_oneoff")
export declare function poll_oneoff(subs: usize, events: usize, nsubs: u32, nevents: usize): u16;

/** Writes the time of clock `id` in nanoseconds (u64) at `time`. */
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function clock_time_get(id: u32, precision: u64, time: usize): u16;

/** WASI `filetype` of a regular file (always ready, as poll(2) treats it). */
export const FILETYPE_REGULAR_FILE: u8 = 4;

/** Writes the `fdstat` (24 bytes: filetype u8 at 0, ...) of `fd` at `stat`. */
@external("wasi_snapshot_preview1", "fd_fdstat_get")
export declare function fd_fdstat_get(fd: u32, stat: usize): u16;

const fdstatScratch = memory.data(24, 8);

/**
 * How an fd must be watched: 0 when the provider can poll it, -1 when it is a regular file
 * (always ready), or the WASI errno of `fd_fdstat_get` (e.g. 8 EBADF: no such fd).
 */
export function fdCheck(fd: i32): i32 {
  store<u8>(fdstatScratch, 0);
  const err = fd_fdstat_get(<u32>fd, fdstatScratch);
  if (err != 0) return <i32>err;
  return load<u8>(fdstatScratch) == FILETYPE_REGULAR_FILE ? -1 : 0;
}

/** Scratch word for clock reads (8 bytes, 8-aligned). */
const clockScratch = memory.data(8, 8);

/** The monotonic clock in milliseconds (float, sub-microsecond resolution). */
export function monotonicMs(): f64 {
  clock_time_get(CLOCK_MONOTONIC, 0, clockScratch);
  return <f64>load<u64>(clockScratch) / 1e6;
}
