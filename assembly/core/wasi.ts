// The WASI preview1 imports the core uses, and nothing else: the module imports only
// `wasi_snapshot_preview1`, so any WASI runtime (or a host shim) can drive it.

/** subscription/event `type` tag values (WASI `eventtype`). */
export const EVENTTYPE_CLOCK: u8 = 0;
export const EVENTTYPE_FD_READ: u8 = 1;
export const EVENTTYPE_FD_WRITE: u8 = 2;
/** WASI `errno` values the core returns itself (negated), beside those the provider reports. */
export const ERRNO_BADF: i32 = 8;
export const ERRNO_DEADLK: i32 = 16;
export const ERRNO_INVAL: i32 = 28;
/** WASI `clockid` of the monotonic clock. */
export const CLOCK_MONOTONIC: u32 = 1;

/** Waits for the given subscriptions (48 bytes each); writes events (32 bytes each) and their count. */
@external("wasi_snapshot_preview1", "poll_oneoff")
export declare function poll_oneoff(subs: usize, events: usize, nsubs: u32, nevents: usize): u16;

/** Writes the time of clock `id` in nanoseconds (u64) at `time`. */
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function clock_time_get(id: u32, precision: u64, time: usize): u16;

/** Scratch word for clock reads (8 bytes, 8-aligned). */
const clockScratch = memory.data(8, 8);

/** The monotonic clock in milliseconds (float, sub-microsecond resolution). */
export function monotonicMs(): f64 {
  clock_time_get(CLOCK_MONOTONIC, 0, clockScratch);
  return <f64>load<u64>(clockScratch) / 1e6;
}
