// The simulated world of a VirtualHost, as a program sees it: the wire (SimWire: connections,
// segments, the schedule) plus the controls a test uses — links and slow hosts, partitions,
// resets, refusals, delays, short I/O, the DNS table and its failures, per-host wall clocks with
// skew, executor faults, actions at a simulated time, trace marks and invariants.
//
// Limits: one event loop drives every simulated host, so "hosts" are addresses, not processes:
// a connection's source address is `clientAddress` at the time `connect` is called (onHost, in
// src/simulation, sets it around each step of a coroutine); a host's skew applies to its
// `clock(address)`, not to the loop's clock, which every host shares.

import { checkLinkOptions, type LinkOptions } from "./sim-links.js";
import { OPEN } from "./sim-socket.js";
import { SimWire } from "./sim-wire.js";
import { Ev } from "./sim-trace.js";

export type { NetworkHost, NetworkOptions } from "./sim-wire.js";

export class SimNetwork extends SimWire {
  private readonly skews = new Map<string, number>();
  private readonly invariants: [string, () => boolean][] = [];

  // ---------------------------------------------------------------- the world, for programs

  /** Sets the default link (every pair without its own settings). */
  defaultLink(o: LinkOptions): void {
    checkLinkOptions(o, "defaultLink()");
    this.links.setDefault(o);
  }

  /** Sets the link between addresses `a` and `b` (both directions). */
  link(a: string, b: string, o: LinkOptions): void {
    checkLinkOptions(o, "link()");
    this.links.set(a, b, o);
  }

  /** A slow peer: every link of `address` gets this much more latency and jitter, at most this bandwidth. */
  slow(address: string, o: LinkOptions): void {
    checkLinkOptions(o, "slow()");
    this.links.slow(address, o);
    this.trace.add(this.now(), Ev.fault, 0, 0, 0, `slow ${address}`);
  }

  /** Adds `ms` to the delay of segments sent between `a` and `b` from now on (0 ends it). */
  delay(a: string, b: string, ms: number): void {
    checkMs(ms, "delay()");
    this.links.delay(a, b, ms);
    this.trace.add(this.now(), Ev.fault, ms, 0, 0, `delay ${a} ${b}`);
  }

  /** Cuts the link between `a` and `b`: segments wait (connections hang) until it heals. */
  partition(a: string, b: string): void {
    this.cut(a, b);
  }

  /** Cuts every link of `address`. */
  isolate(address: string): void {
    this.cut(address, null);
  }

  /** Heals the cut between `a` and `b`, every cut of `a`, or (no argument) every cut. */
  heal(a?: string, b?: string): void {
    this.healCuts(a, b);
  }

  /** Resets every open connection between `a` and `b` (or with `a` at either end): ECONNRESET. */
  reset(a: string, b?: string): number {
    let n = 0;
    for (const s of [...this.sockets]) {
      const x = s.local.address,
        y = s.remote.address;
      if (s.peer === null || s.id > s.peer.id) continue; // each connection once
      const match = b === undefined ? x === a || y === a : (x === a && y === b) || (x === b && y === a);
      if (match && s.state === OPEN) {
        this.resetConnection(s);
        n++;
      }
    }
    return n;
  }

  /** Refuses the next `times` connection attempts to `address` (on `port`, or any port). */
  refuse(address: string, port: number | null = null, times = 1): void {
    const k = port === null ? address : `${address}|${port}`;
    this.refusals.set(k, (this.refusals.get(k) ?? 0) + times);
  }

  /** Short reads and writes: every send and receive moves a random part of what it could. */
  shortIo(on = true): void {
    this.shortIoOn = on;
    this.trace.add(this.now(), Ev.fault, on ? 1 : 0, 0, 0, "shortIo");
  }

  /** Makes `name` resolve to `addresses` in the simulated DNS. */
  dns(name: string, addresses: string[]): void {
    this.resolver.set(name, addresses);
  }

  /** Makes lookups of `name` fail with `code` (EAI_AGAIN by default) until `restoreDns(name)`. */
  failDns(name: string, code = "EAI_AGAIN"): void {
    this.resolver.fail(name, code);
    this.trace.add(this.now(), Ev.fault, 0, 0, 0, `dns ${name} ${code}`);
  }

  restoreDns(name: string): void {
    this.resolver.restore(name);
  }

  /** Sets the wall-clock skew of `address` in ms (its clock reads that much ahead). */
  skew(address: string, ms: number): void {
    if (typeof ms !== "number" || !Number.isFinite(ms))
      throw new TypeError(`skew() needs a finite number of ms, got ${String(ms)}`);
    this.skews.set(address, ms);
    this.trace.add(this.now(), Ev.skew, Math.round(ms * 1000), 0, 0, address);
  }

  /** The wall clock of `address` in ms: the simulated time plus its skew. */
  clock(address: string): number {
    let s = this.skews.get(address);
    if (s === undefined) {
      s = this.faults.skewMs > 0 ? (this.random.float() * 2 - 1) * this.faults.skewMs : 0;
      this.skews.set(address, s);
      if (s !== 0) this.trace.add(this.now(), Ev.skew, Math.round(s * 1000), 0, 0, address);
    }
    return this.now() / 1e6 + s;
  }

  /** Makes the next `n` executor jobs throw instead of running. */
  failExecutorJobs(n = 1): void {
    this.executorFaults += n;
  }

  /** Runs `fn` when the simulated clock reaches `ms` (absolute); host-level, between loop passes. */
  at(ms: number, fn: () => void): void {
    checkMs(ms, "at()");
    if (typeof fn !== "function") throw new TypeError(`at() needs a function, got ${typeof fn}`);
    this.scheduleAt(Math.round(ms * 1e6), fn);
  }

  /** Runs `fn` `ms` from now. */
  after(ms: number, fn: () => void): void {
    checkMs(ms, "after()");
    this.at(this.now() / 1e6 + ms, fn);
  }

  /** Adds a program event to the trace. */
  mark(label: string, value = 0): void {
    this.trace.add(this.now(), Ev.mark, value | 0, 0, 0, String(label));
  }

  /** A predicate checked after every poll; a false result stops the run with an Error. */
  invariant(name: string, holds: () => boolean): void {
    if (typeof holds !== "function") throw new TypeError(`invariant() needs a function, got ${typeof holds}`);
    this.invariants.push([name, holds]);
  }

  /** Connected sockets whose fd is open (both ends count), listeners, and scheduled segments and actions. */
  stats(): { sockets: number; listeners: number; scheduled: number } {
    let open = 0;
    for (const s of this.sockets) if (s.state === OPEN && !s.closed && s.errno === 0) open++;
    return { sockets: open, listeners: this.listeners.size, scheduled: this.schedule.size };
  }

  /** True when an invariant was registered (they are checked after every poll). */
  get hasInvariants(): boolean {
    return this.invariants.length > 0;
  }

  /** Checks the invariants; throws an Error naming the first that does not hold. */
  checkInvariants(): void {
    if (this.invariants.length === 0) return; // the common case, without an iterator
    for (const [name, holds] of this.invariants) {
      if (!holds()) throw new Error(`invariant "${name}" violated at ${(this.now() / 1e6).toFixed(3)} ms`);
    }
  }
}

function checkMs(ms: number, what: string): void {
  if (typeof ms !== "number") throw new TypeError(`${what} needs a number of ms, got ${typeof ms}`);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${what} needs a finite number of ms >= 0, got ${ms}`);
}
