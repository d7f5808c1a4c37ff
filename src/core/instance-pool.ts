// Instances of the core waiting for their next event loop. Making an instance costs a new linear
// memory (about 100 µs on Node, nearly all of what `new EventLoop()` cost), and its exports are new
// function objects (on Deno in an exports object of a new hidden class), so every new loop made
// the loop's optimized code meet new call targets and be optimized again. A closed loop gives its
// instance back; the core's `reset` export empties it, and the next loop takes it.
//
// Rules:
// - An instance serves at most one loop at a time: it is out of the pool while a loop has it.
// - Its three imports call through a slot that the taking loop fills with its host's functions.
//   Giving the instance back empties the slot, so an idle instance holds on to no host.
// - At most MAX_IDLE instances wait. One whose memory grew past IDLE_MEMORY_MAX is dropped, not
//   kept: wasm memory never shrinks, and a loop that once held many timers should not pin that.
// - The pool is per JavaScript realm (each worker has its own), like the compiled module.

import coreBytes from "../../build/core.wasm";
import type { Host, WasiImports } from "../hosts/host.js";

/** The core's exports (docs/abi.md). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  TIMER_BATCH: WebAssembly.Global;
  _initialize(): void;
  reset(): void;
  timer_add(when: number): number;
  timer_staging(n: number): number;
  timer_add_staged(n: number): void;
  timer_cancel(id: number): number;
  timer_next(): number;
  timer_count(): number;
  timer_heap_size(): number;
  timer_sequence_skip(n: number): void;
  watch(fd: number, mask: number): number;
  interest_of(fd: number): number;
  poll(timeoutMs: number): number;
  poll_timers(): number;
  ready_buffer(): number;
  polled_at(): number;
  now(): number;
}

/** Idle instances kept at most. */
export const MAX_IDLE = 4;
/** An instance whose memory is larger than this (bytes) is not kept. */
export const IDLE_MEMORY_MAX = 1 << 20;

type ClockTimeGet = (id: number, precision: bigint, out: number) => number;
type PollOneoff = (subs: number, events: number, nsubs: number, neventsOut: number) => number;
type FdFdstatGet = (fd: number, out: number) => number;

/** The host functions an instance calls: its current loop's. */
interface ImportSlot {
  clock_time_get: ClockTimeGet;
  poll_oneoff: PollOneoff;
  fd_fdstat_get: FdFdstatGet;
}

/**
 * The core's `fd_fdstat_get` for hosts that do not supply one: every fd is there, of an unknown
 * type (it leaves the stat zeroed), so the host's `poll_oneoff` reports per-fd trouble itself.
 */
function fdPresent(_fd: number, _stat: number): number {
  return 0;
}

function idle(): never {
  throw new Error("the wasio core was called while no event loop owns it");
}

/** One instance of the core and the slot its imports call through. */
export class CoreInstance {
  readonly exports: CoreExports;
  private readonly slot: ImportSlot = { clock_time_get: idle, poll_oneoff: idle, fd_fdstat_get: idle };

  constructor(module: WebAssembly.Module) {
    const slot = this.slot;
    const imports = {
      clock_time_get: (id: number, precision: bigint, out: number) => slot.clock_time_get(id, precision, out),
      poll_oneoff: (subs: number, events: number, nsubs: number, neventsOut: number) =>
        slot.poll_oneoff(subs, events, nsubs, neventsOut),
      fd_fdstat_get: (fd: number, out: number) => slot.fd_fdstat_get(fd, out),
    };
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: imports });
    this.exports = instance.exports as unknown as CoreExports;
    this.exports._initialize();
  }

  /** Points the imports at `host`'s functions. */
  bind(host: Host): void {
    const memory = this.exports.memory;
    const given: WasiImports = host.wasiImports(() => memory);
    const slot = this.slot;
    slot.clock_time_get = given.clock_time_get as ClockTimeGet;
    slot.poll_oneoff = given.poll_oneoff as PollOneoff;
    slot.fd_fdstat_get = (given.fd_fdstat_get as FdFdstatGet | undefined) ?? fdPresent;
  }

  /** Forgets the host and empties the core. */
  unbind(): void {
    const slot = this.slot;
    slot.clock_time_get = slot.poll_oneoff = slot.fd_fdstat_get = idle;
    this.exports.reset();
  }
}

let compiled: WebAssembly.Module | null = null;
const pool: CoreInstance[] = [];

/** An instance of the core bound to `host`: an idle one if there is one, else a new one. */
export function takeInstance(host: Host): CoreInstance {
  let inst = pool.pop();
  if (inst === undefined) {
    compiled ??= new WebAssembly.Module(coreBytes as Uint8Array<ArrayBuffer>);
    inst = new CoreInstance(compiled);
  }
  inst.bind(host);
  return inst;
}

/** Gives back an instance its loop no longer uses: emptied, and kept if the pool has room. */
export function giveBack(inst: CoreInstance): void {
  inst.unbind();
  if (pool.length < MAX_IDLE && inst.exports.memory.buffer.byteLength <= IDLE_MEMORY_MAX) pool.push(inst);
}

/** Idle instances waiting (for tests). */
export function idleInstances(): number {
  return pool.length;
}
