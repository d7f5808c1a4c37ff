// A scripted WASI provider for tests of the core alone: it implements the two imports the core
// needs (`clock_time_get`, `poll_oneoff`), counts the calls, decodes every subscription the core
// hands it, and answers with the events a test scripts. Its clock is whole nanoseconds that move
// only when a test says so, or when a poll with nothing to report has a clock subscription (then
// the clock jumps by that timeout, as the VirtualHost's does).
//
// Not a suite (no `.test.ts`): the core suites import it.

import { Core } from "../../src/core/core.js";
import type { Host } from "../../src/hosts/host.js";

export const EVENTTYPE_CLOCK = 0;
export const EVENTTYPE_FD_READ = 1;
export const EVENTTYPE_FD_WRITE = 2;
export const CLOCK_USERDATA = 0xffff_ffff_ffff_ffffn;

/** One decoded subscription, as the provider saw it. */
export interface Subscription {
  userdata: bigint;
  type: number;
  /** fd of an fd_read/fd_write subscription (-1 for a clock). */
  fd: number;
  /** Clock id, timeout (ns, relative unless `flags & 1`), precision (-1n for fd subscriptions). */
  clockId: number;
  timeoutNs: bigint;
  precisionNs: bigint;
  flags: number;
}

/** An event a test wants reported for the subscription of (fd, direction). */
export interface ScriptedEvent {
  fd: number;
  /** 0 read, 1 write. */
  dir: 0 | 1;
  errno?: number;
  nbytes?: bigint | number;
  flags?: number;
}

/**
 * What a scripted answer may be: events, a WASI errno to return from poll_oneoff itself, or one
 * all-zero event (what node:wasi answers when its only fd subscription names no open fd).
 */
export type Answer = ScriptedEvent[] | { errno: number } | { zeroEvent: true };

export class TestProvider {
  /** The clock, in whole ns. */
  nowNs = 0n;
  clockCalls = 0;
  pollCalls = 0;
  /** The subscriptions of every poll_oneoff call (when `record` is true). */
  readonly calls: Subscription[][] = [];
  record = true;
  /** Decides each poll's events; the default reports nothing (so a clock wait elapses). */
  answer: (subs: Subscription[]) => Answer = () => [];
  /** When nothing is reported and a clock subscription exists, jump the clock by its timeout. */
  jumpClock = true;
  /** How long a jump is for a relative clock timeout (node:wasi, say, truncates it to whole ms). */
  jumpFor: (timeoutNs: bigint) => bigint = (ns) => ns;
  /** Also report the clock subscription's event after the scripted fd events (when there is one). */
  clockEventToo = false;
  /** Answers `fd_fdstat_get`: an errno, or the fd's WASI filetype (default: 0, unknown). */
  fdstat: (fd: number) => { errno: number } | { filetype: number } = () => ({ filetype: 0 });
  fdstatCalls = 0;
  private memory: (() => WebAssembly.Memory) | null = null;

  /** The clock in ms, computed exactly as the core computes it from clock_time_get. */
  nowMs(): number {
    return Number(this.nowNs) / 1e6;
  }

  /** Sets the clock to `ms` (rounded to whole ns). */
  setMs(ms: number): void {
    this.nowNs = BigInt(Math.round(ms * 1e6));
  }

  advanceMs(ms: number): void {
    this.nowNs += BigInt(Math.round(ms * 1e6));
  }

  private view(): DataView {
    return new DataView(this.memory!().buffer);
  }

  /** The `wasi_snapshot_preview1` imports (the only ones the core has). */
  wasiImports(memory: () => WebAssembly.Memory): Record<string, (...args: any[]) => number> {
    this.memory = memory;
    return {
      clock_time_get: (id: number, _precision: bigint, out: number): number => {
        this.clockCalls++;
        if (id !== 0 && id !== 1) return 28;
        this.view().setBigUint64(out, BigInt.asUintN(64, this.nowNs), true);
        return 0;
      },
      fd_fdstat_get: (fd: number, statAt: number): number => {
        this.fdstatCalls++;
        const stat = this.fdstat(fd);
        if ("errno" in stat) return stat.errno;
        const view = this.view();
        for (let i = 0; i < 24; i++) view.setUint8(statAt + i, 0);
        view.setUint8(statAt, stat.filetype);
        return 0;
      },
      poll_oneoff: (subsAt: number, eventsAt: number, nsubs: number, neventsOut: number): number => {
        this.pollCalls++;
        const view = this.view();
        const subs: Subscription[] = [];
        for (let i = 0; i < nsubs; i++) subs.push(decodeSubscription(view, subsAt + i * 48));
        if (this.record) this.calls.push(subs);
        const answer = this.answer(subs);
        if ("errno" in answer) return answer.errno;
        if ("zeroEvent" in answer) {
          for (let i = 0; i < 32; i++) view.setUint8(eventsAt + i, 0);
          view.setUint32(neventsOut, 1, true);
          return 0;
        }
        let n = 0;
        const byKey = new Map<number, Subscription>();
        for (const s of subs) if (s.type !== EVENTTYPE_CLOCK) byKey.set(s.fd * 4 + s.type, s);
        for (const ev of answer) {
          const type = ev.dir === 0 ? EVENTTYPE_FD_READ : EVENTTYPE_FD_WRITE;
          const sub = byKey.get(ev.fd * 4 + type);
          if (sub === undefined) throw new Error(`test bug: no subscription for fd ${ev.fd} dir ${ev.dir}`);
          writeEvent(view, eventsAt + n * 32, sub.userdata, ev.errno ?? 0, type, BigInt(ev.nbytes ?? 0), ev.flags ?? 0);
          n++;
        }
        if (n > 0 && this.clockEventToo) {
          const clock = subs.find((s) => s.type === EVENTTYPE_CLOCK);
          if (clock !== undefined) writeEvent(view, eventsAt + n++ * 32, clock.userdata, 0, EVENTTYPE_CLOCK, 0n, 0);
        }
        if (n === 0) {
          const clock = subs.find((s) => s.type === EVENTTYPE_CLOCK);
          if (clock !== undefined && this.jumpClock) {
            this.nowNs =
              (clock.flags & 1) === 1
                ? clock.timeoutNs > this.nowNs
                  ? clock.timeoutNs
                  : this.nowNs
                : this.nowNs + this.jumpFor(clock.timeoutNs);
            writeEvent(view, eventsAt, clock.userdata, 0, EVENTTYPE_CLOCK, 0n, 0);
            n = 1;
          }
        }
        view.setUint32(neventsOut, n, true);
        return 0;
      },
    };
  }
}

export function decodeSubscription(view: DataView, at: number): Subscription {
  const type = view.getUint8(at + 8);
  const clock = type === EVENTTYPE_CLOCK;
  return {
    userdata: view.getBigUint64(at, true),
    type,
    fd: clock ? -1 : view.getUint32(at + 16, true),
    clockId: clock ? view.getUint32(at + 16, true) : -1,
    timeoutNs: clock ? view.getBigUint64(at + 24, true) : -1n,
    precisionNs: clock ? view.getBigUint64(at + 32, true) : -1n,
    flags: clock ? view.getUint16(at + 40, true) : 0,
  };
}

function writeEvent(
  view: DataView,
  at: number,
  userdata: bigint,
  errno: number,
  type: number,
  nbytes: bigint,
  flags: number,
): void {
  for (let i = 0; i < 32; i++) view.setUint8(at + i, 0xaa); // garbage in padding: the core must not read it
  view.setBigUint64(at, userdata, true);
  view.setUint16(at + 8, errno, true);
  view.setUint8(at + 10, type);
  view.setBigUint64(at + 16, nbytes, true);
  view.setUint16(at + 24, flags, true);
}

/** A fresh core instance driven by a fresh TestProvider. */
export function newCore(): { core: Core; provider: TestProvider; x: Core["exports"] } {
  const provider = new TestProvider();
  const core = new Core(provider as unknown as Host);
  return { core, provider, x: core.exports };
}

/** One ready entry, decoded. */
export interface Ready {
  kind: number;
  id: number;
  flags: number;
  nbytes: number;
}

/** Polls and returns the decoded ready entries (throws on a negative result). */
export function pollEntries(core: Core, timeoutMs: number): Ready[] {
  const n = core.poll(timeoutMs);
  if (n < 0) throw new Error(`poll returned ${n}`);
  return readEntries(core, n);
}

export function readEntries(core: Core, n: number): Ready[] {
  const mem = core.i32();
  const base = core.readyIndex();
  const out: Ready[] = [];
  for (let i = 0; i < n; i++) {
    const at = base + i * 4;
    out.push({ kind: mem[at], id: mem[at + 1], flags: mem[at + 2], nbytes: mem[at + 3] });
  }
  return out;
}

/** Ids of the timer entries (kind 0), in order. */
export function timerIds(entries: Ready[]): number[] {
  return entries.filter((e) => e.kind === 0).map((e) => e.id);
}

/** A small seeded PRNG (mulberry32): floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
