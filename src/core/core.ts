// The TypeScript face of the AssemblyScript core (assembly/, ABI in docs/abi.md): one instance
// per event loop, instantiated with its host's WASI imports. Everything that crosses the boundary
// is a number; the ready entries of a poll are read straight from the core's linear memory.
//
// The module is compiled once per process from bytes embedded in the bundle (no file or network
// access at start-up) and instantiated synchronously, so `new EventLoop()` stays synchronous.

import coreBytes from "../../build/core.wasm";
import type { Host } from "../hosts/host.js";

/** Ready entry kinds (first word of an entry). */
export const READY_TIMER = 0;
export const READY_READ = 1;
export const READY_WRITE = 2;
/** The poll result meaning "nothing to wait for and no deadline: this would block forever". */
export const POLL_WOULD_BLOCK_FOREVER = -16;
/** At most this many expired timers come out of one poll (then `poll_timers` gives more). */
export const TIMER_BATCH = 4096;

interface CoreExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  timer_add(when: number): number;
  timer_staging(n: number): number;
  timer_add_staged(n: number): void;
  timer_cancel(id: number): number;
  timer_next(): number;
  timer_count(): number;
  timer_heap_size(): number;
  watch(fd: number, mask: number): number;
  interest_of(fd: number): number;
  poll(timeoutMs: number): number;
  poll_timers(): number;
  ready_buffer(): number;
  polled_at(): number;
  now(): number;
}

let compiled: WebAssembly.Module | null = null;

/** The compiled core module (compiled on first use). */
export function coreModule(): WebAssembly.Module {
  if (compiled === null) compiled = new WebAssembly.Module(coreBytes as Uint8Array<ArrayBuffer>);
  return compiled;
}

export class Core {
  readonly exports: CoreExports;
  private ready: Int32Array;

  constructor(host: Host) {
    let memory: WebAssembly.Memory | null = null;
    const imports = host.wasiImports(() => memory!);
    const instance = new WebAssembly.Instance(coreModule(), { wasi_snapshot_preview1: imports });
    this.exports = instance.exports as unknown as CoreExports;
    memory = this.exports.memory;
    this.exports._initialize();
    this.ready = new Int32Array(memory.buffer);
  }

  /**
   * Adds `n` timers in one call: `fill(deadlines)` writes their deadlines, in scheduling order;
   * returns their ids, in the same order.
   */
  addTimers(n: number, fill: (deadlines: Float64Array) => void): Int32Array {
    const ptr = this.exports.timer_staging(n);
    fill(new Float64Array(this.exports.memory.buffer, ptr, n));
    this.exports.timer_add_staged(n);
    return new Int32Array(this.exports.memory.buffer, ptr + n * 8, n);
  }

  /** Cancels a live timer. */
  cancelTimer(id: number): void {
    this.exports.timer_cancel(id);
  }

  /** Sets the interest mask of `fd` (1 read, 2 write). */
  watch(fd: number, mask: number): void {
    const r = this.exports.watch(fd, mask);
    if (r < 0) throw new RangeError(`core rejected fd ${fd} (errno ${-r})`);
  }

  /**
   * Polls with `timeoutMs` (negative: until the nearest timer or an fd). Returns the number of
   * ready entries (read them with `entries()`), or a negative WASI errno.
   */
  poll(timeoutMs: number): number {
    return this.exports.poll(timeoutMs);
  }

  /** The ready entries as an Int32Array over memory, and the index (in i32 words) of the first. */
  entries(): [Int32Array, number] {
    const buf = this.exports.memory.buffer;
    if (this.ready.buffer !== buf) this.ready = new Int32Array(buf);
    return [this.ready, this.exports.ready_buffer() >>> 2];
  }
}
