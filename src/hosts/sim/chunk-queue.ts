// A FIFO of byte chunks for the simulated sockets' buffers: entries [head, tail) of an array that
// is reused rather than shortened or shifted (emptying it only resets two indices), so queueing
// and taking a chunk allocate nothing beyond the array's occasional growth.

export class ChunkQueue {
  private items: (Uint8Array | undefined)[] = [];
  private head = 0;
  private tail = 0;

  get empty(): boolean {
    return this.head === this.tail;
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
