// Deque: the double-ended ring buffer under every waiter list and every FIFO queue in this layer.
//
// Owns: O(1) push and shift at both ends over a power-of-two ring that doubles when full and
// never shrinks below its high-water mark (a queue that once held 10,000 items keeps that
// capacity; `clear()` gives it back). Removing from the middle (`remove`) is O(n), which is what
// asyncio's deque.remove costs too; it looks at both ends first, so waiters that leave in FIFO
// or LIFO order (the common cases: woken in order, or cancelled newest-first at shutdown) leave
// in O(1).
//
// Limits: no iteration protocol (read by index with `at(i)`, 0 = front) so the hot paths
// allocate nothing; vacated slots are cleared so the garbage collector can take what they held.

const MIN_CAPACITY = 8;

export class Deque<T> {
  /** @internal */ _items: (T | undefined)[];
  /** @internal Index of the front element. */
  _head = 0;
  /** @internal Number of elements. */
  _size = 0;
  /** @internal capacity - 1 (the capacity is a power of two). */
  _mask: number;

  constructor() {
    this._items = new Array<T | undefined>(MIN_CAPACITY);
    this._mask = MIN_CAPACITY - 1;
  }

  /** Number of elements. */
  get length(): number {
    return this._size;
  }

  /** Appends `x` at the back. */
  push(x: T): void {
    if (this._size > this._mask) this.grow();
    this._items[(this._head + this._size) & this._mask] = x;
    this._size++;
  }

  /** Inserts `x` at the front. */
  unshift(x: T): void {
    if (this._size > this._mask) this.grow();
    this._head = (this._head - 1) & this._mask;
    this._items[this._head] = x;
    this._size++;
  }

  /** Removes and returns the front element (undefined when empty). */
  shift(): T | undefined {
    if (this._size === 0) return undefined;
    const items = this._items;
    const h = this._head;
    const x = items[h];
    items[h] = undefined;
    this._head = (h + 1) & this._mask;
    this._size--;
    return x;
  }

  /** Removes and returns the back element (undefined when empty). */
  pop(): T | undefined {
    if (this._size === 0) return undefined;
    const i = (this._head + this._size - 1) & this._mask;
    const x = this._items[i];
    this._items[i] = undefined;
    this._size--;
    return x;
  }

  /** The front element without removing it (undefined when empty). */
  peek(): T | undefined {
    return this._size === 0 ? undefined : this._items[this._head];
  }

  /** The element at position `i` from the front (0 ≤ i < length). */
  at(i: number): T {
    return this._items[(this._head + i) & this._mask] as T;
  }

  /** Removes the first occurrence of `x`; returns false when it is not there. */
  remove(x: T): boolean {
    const n = this._size;
    if (n === 0) return false;
    const items = this._items;
    const mask = this._mask;
    const head = this._head;
    if (items[head] === x) {
      this.shift();
      return true;
    }
    if (items[(head + n - 1) & mask] === x) {
      this.pop();
      return true;
    }
    for (let i = 1; i < n - 1; i++) {
      if (items[(head + i) & mask] !== x) continue;
      // Close the gap from whichever side is shorter.
      if (i < n - 1 - i) {
        for (let j = i; j > 0; j--) items[(head + j) & mask] = items[(head + j - 1) & mask];
        items[head] = undefined;
        this._head = (head + 1) & mask;
      } else {
        for (let j = i; j < n - 1; j++) items[(head + j) & mask] = items[(head + j + 1) & mask];
        items[(head + n - 1) & mask] = undefined;
      }
      this._size = n - 1;
      return true;
    }
    return false;
  }

  /** Removes every element and gives back the memory of a grown ring. */
  clear(): void {
    this._items = new Array<T | undefined>(MIN_CAPACITY);
    this._mask = MIN_CAPACITY - 1;
    this._head = 0;
    this._size = 0;
  }

  private grow(): void {
    const old = this._items;
    const cap = old.length;
    const items = new Array<T | undefined>(cap * 2);
    for (let i = 0; i < cap; i++) items[i] = old[(this._head + i) & this._mask];
    this._items = items;
    this._head = 0;
    this._mask = cap * 2 - 1;
  }
}
