// A FIFO of byte chunks for the hosts' socket buffers (Node's sockets, the simulated ones):
// entries [head, tail) of an array that is reused rather than shortened or shifted (emptying it
// only resets two indices), so queueing and taking a chunk allocate nothing beyond the array's
// occasional growth. A queue that never empties (a reader always a chunk behind) is compacted
// once its dead front outgrows its live part, so its array stays within twice what it holds.

export class ChunkQueue {
  private items: (Uint8Array | undefined)[] = [];
  private head = 0;
  private tail = 0;

  get empty(): boolean {
    return this.head === this.tail;
  }

  /** How many chunks are queued. */
  get size(): number {
    return this.tail - this.head;
  }

  push(c: Uint8Array): void {
    this.items[this.tail++] = c;
  }

  /** The oldest chunk (the queue must not be empty). */
  first(): Uint8Array {
    return this.items[this.head]!;
  }

  /** Drops the oldest chunk. */
  shift(): void {
    this.items[this.head++] = undefined;
    if (this.head === this.tail) this.head = this.tail = 0;
    else if (this.head > 64 && this.head * 2 > this.tail) {
      this.items = this.items.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }

  /** Replaces the oldest chunk by what is left of it. */
  setFirst(c: Uint8Array): void {
    this.items[this.head] = c;
  }

  clear(): void {
    this.items = [];
    this.head = this.tail = 0;
  }
}
