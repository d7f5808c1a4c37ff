// Growable raw buffers on the stub runtime's bump allocator. The core never frees: a buffer
// only grows (doubling), so the total ever allocated stays below twice the peak in use.

/** Returns a block of at least `bytes` holding the first `usedBytes` of `ptr` (which may be 0). */
export function grow(ptr: usize, usedBytes: usize, bytes: usize): usize {
  const fresh = heap.alloc(bytes);
  if (ptr != 0 && usedBytes != 0) memory.copy(fresh, ptr, usedBytes);
  return fresh;
}

/** The next capacity (in elements) of a buffer that must hold `need` elements. */
export function nextCapacity(current: i32, need: i32): i32 {
  let cap = current < 16 ? 16 : current;
  while (cap < need) cap <<= 1;
  return cap;
}
