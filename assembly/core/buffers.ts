// Growable raw buffers on the runtime's TLSF allocator. A buffer grows by doubling through
// heap.realloc, which extends the block in place when the memory after it is free and otherwise
// moves it and frees the old block for reuse, so the core's memory stays near twice its peak
// live size and wasm memory grows (an expensive operation) only a few times.

/** Returns a block of at least `bytes` holding the contents of block `ptr` (0: a new block). */
export function grow(ptr: usize, bytes: usize): usize {
  if (ptr == 0) return heap.alloc(bytes);
  return heap.realloc(ptr, bytes);
}

/** The next capacity (in elements) of a buffer that must hold `need` elements. */
export function nextCapacity(current: i32, need: i32): i32 {
  let cap = current < 16 ? 16 : current;
  while (cap < need) cap <<= 1;
  return cap;
}
