// The ready entry format shared by poll (fd entries) and the timer heap (timer entries): four
// i32 per entry, [kind, id, flags, nbytes], read by the host straight from linear memory.
//
// Rule: an fd entry's kind equals the interest bit of its direction as `watch` takes it (1 read,
// 2 write), so the host may use a kind as a mask bit. The TypeScript side checks it at compile time.

export const READY_TIMER: i32 = 0;
export const READY_READ: i32 = 1;
export const READY_WRITE: i32 = 2; // READY_READ + 1: a direction (0 read, 1 write) plus READY_READ is its kind
/** Bytes per ready entry. */
export const READY_ENTRY: usize = 16;
