// The VirtualHost: a simulated world for deterministic tests. Its monotonic clock starts at 0 and
// moves only when the loop would wait: then it jumps straight to the deadline the core asked for,
// so a test of a 10-minute timeout runs in microseconds and the same way every time. Its fds are
// in-memory pipes, with faults a test can inject, and the sockets of a simulated network
// (src/hosts/sim): the streams run over it unchanged. When the network has something in flight,
// a poll with nothing ready moves the clock to the next arrival instead (within the same
// poll_oneoff call), and with a seed the order of one poll's events is shuffled.
//
// Limits: nothing here is real I/O. In `runSync` a poll with nothing ready and no deadline can
// never end, so the loop reports a deadlock instead of hanging. Under the async driver such a
// poll waits for `wakeup()` (a host promise settling, for instance); host promises do not stop
// the clock from jumping to the next deadline first.

import { HostBase } from "./host-base.js";
import type { WasiImports } from "./host.js";
import { PipeBuffer, PipeReader, PipeWriter } from "./virtual-pipe.js";
import { ERRNO_BADF, ERRNO_MAX } from "./errno.js";
import { describe } from "../checks.js";
import {
  DEFAULT_BACKLOG,
  checkBacklog,
  checkConnectHost,
  checkListenHost,
  checkPort,
  type SockAddr,
  type SocketHostApi,
} from "./socket-api.js";
import { MemoryView } from "./poll-shim.js";
import { IdleResource } from "./sim/idle-resource.js";
import { SimReadyList } from "./sim/sim-ready-list.js";
import { perturbAndTrace } from "./sim/poll-order.js";
import { SimNetwork, type NetworkOptions } from "./sim/sim-network.js";
import { Ev } from "./sim/sim-trace.js";
import type { LookupAnswer } from "./sim/sim-resolver.js";

export interface VirtualHostOptions extends NetworkOptions {
  /** Capacity in bytes of each pipe made by `pipe()` (default 65,536). */
  pipeCapacity?: number;
}

export class VirtualHost extends HostBase implements SocketHostApi {
  readonly name = "virtual";
  readonly canBlock = true;
  /** Its sockets are simulated: no runtime permission (Deno's --allow-net) is needed for them. */
  readonly simulated = true;
  /** The simulated time in whole nanoseconds (exact up to 2^53 ns, about 104 days). */
  private timeNs = 0;
  private readonly pipeCapacity: number;

  constructor(options: VirtualHostOptions = {}) {
    super();
    if (options === null || typeof options !== "object")
      throw new TypeError(`options must be an object, got ${options === null ? "null" : typeof options}`);
    const seed = options.seed;
    if (seed !== undefined && typeof seed !== "number")
      throw new TypeError(`seed must be a number, got ${typeof seed}`);
    if (seed !== undefined && !Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    const cap = options.pipeCapacity ?? 65536;
    checkCapacity(cap);
    this.pipeCapacity = cap;
    this.netOptions = { seed: options.seed, faults: options.faults, traceKeep: options.traceKeep };
    if (options.seed !== undefined || options.faults !== undefined) this.sim = new SimNetwork(this, this.netOptions);
  }

  now(): number {
    return this.timeNs / 1e6;
  }

  /** Moves the simulated clock forward by `ms` (tests use it to model time spent computing). */
  advance(ms: number): void {
    if (typeof ms !== "number") throw new TypeError(`advance() needs a number of ms, got ${typeof ms}`);
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance() needs a finite ms >= 0, got ${ms}`);
    this.timeNs += Math.ceil(ms * 1e6);
  }

  protected onNothingReady(clockMs: number): boolean {
    if (this.sim !== null || this.idleRes !== null) {
      const left = this.simulatedWait(clockMs);
      if (left === -2) return false;
      clockMs = left;
      if (clockMs > 0) this.sim?.trace.add(this.timeNs, Ev.clock, Math.ceil(clockMs * 1e6));
    }
    if (clockMs < 0) return false;
    const to = this.timeNs + Math.ceil(clockMs * 1e6);
    // Past 2^53 ns a short wait can be below the clock's resolution: move by one step anyway, so
    // that a due timer is reached rather than polled for forever.
    this.timeNs = to > this.timeNs || clockMs === 0 ? to : this.timeNs + 2 ** (Math.floor(Math.log2(this.timeNs)) - 52);
    return true;
  }

  idle(): Promise<void> {
    return this.nextNotify();
  }

  /** Makes an in-memory pipe and returns its [readFd, writeFd]. */
  pipe(capacity = this.pipeCapacity): [number, number] {
    checkCapacity(capacity);
    const buf = new PipeBuffer(capacity);
    const ends: [number, number] = [this.fds.open(new PipeReader(buf)), this.fds.open(new PipeWriter(buf))];
    this.readyList.stick(ends[0]);
    this.readyList.stick(ends[1]);
    return ends;
  }

  /** Reads from a pipe's read end: the byte count, 0 at end of file, or a negative WASI errno. */
  read(fd: number, into: Uint8Array): number {
    if (!(into instanceof Uint8Array))
      throw new TypeError(`read() needs a Uint8Array to read into, got ${into === null ? "null" : typeof into}`);
    const end = this.fds.get(fd);
    return end instanceof PipeReader ? end.read(into) : -ERRNO_BADF;
  }

  /** Writes to a pipe's write end: the byte count, or a negative WASI errno (EAGAIN when full). */
  write(fd: number, data: Uint8Array | string): number {
    const end = this.fds.get(fd);
    if (typeof data !== "string" && !(data instanceof Uint8Array))
      throw new TypeError(`write() needs a Uint8Array or a string, got ${data === null ? "null" : typeof data}`);
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    return end instanceof PipeWriter ? end.write(bytes) : -ERRNO_BADF;
  }

  /** Closes an fd; returns false if it was not open. */
  closeFd(fd: number): boolean {
    return this.fds.close(fd);
  }

  /**
   * Fault: the next event for `fd` carries WASI errno `errno` (e.g. 29 EIO, 15 ECONNRESET), and
   * the next `read` or `write` of it returns `-errno`, so the fd's reader or writer sees it.
   */
  injectError(fd: number, errno: number): void {
    if (typeof errno !== "number")
      throw new TypeError(`errno must be a WASI errno (an integer 1..${ERRNO_MAX}), got ${typeof errno}`);
    if (!Number.isInteger(errno) || errno < 1 || errno > ERRNO_MAX)
      throw new RangeError(`errno must be a WASI errno (an integer 1..${ERRNO_MAX}), got ${errno}`);
    const end = this.end(fd);
    end.injectedError = end.failNext = errno;
  }

  /** Fault: `fd` reports a hang-up (and, for a read end, end of file) from now on. */
  injectHangup(fd: number): void {
    this.end(fd).injectedHangup = true;
  }

  /** Fault: the next read of `fd` returns at most `bytes` bytes. */
  injectShortRead(fd: number, bytes: number): void {
    const end = this.end(fd);
    if (!(end instanceof PipeReader)) throw new TypeError(`fd ${describe(fd)} is not a pipe's read end`);
    if (typeof bytes !== "number") throw new TypeError(`bytes must be a number, got ${typeof bytes}`);
    if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError(`bytes must be an integer >= 1, got ${bytes}`);
    end.shortRead = bytes;
  }

  private end(fd: number): PipeReader | PipeWriter {
    const end = this.fds.get(fd);
    if (!(end instanceof PipeReader || end instanceof PipeWriter))
      throw new TypeError(`fd ${describe(fd)} is not an open pipe end of this host`);
    return end;
  }

  // ---------------------------------------------------------------- the simulated network

  /** Polls check only the fds whose readiness changed (the network reports every change). */
  protected override readonly readyList = new SimReadyList();
  private sim: SimNetwork | null = null;
  private readonly netOptions: NetworkOptions;
  private idleRes: IdleResource | null = null;
  /** Within one poll_oneoff call: simulated ns already waited, and whether to scan again. */
  private waitedNs = 0;
  private rescan = false;
  /** The simulated time of the last poll (no timer can have become due while it is unchanged). */
  private polledNs = -1;

  /** The in-memory network (made on first use): links, faults, DNS, the trace. */
  get network(): SimNetwork {
    return (this.sim ??= new SimNetwork(this, this.netOptions));
  }

  /** The seed this host perturbs its runs with, or null. */
  get seed(): number | null {
    return this.sim?.seed ?? null;
  }

  /** @internal The network tells of an fd whose readiness may have changed. */
  _touch(fd: number): void {
    this.touch(fd);
  }

  /**
   * With a network: true when a zero-timeout poll now would report nothing and change nothing —
   * the clock has not moved since the last poll, nothing on the wire is due, no fd is ready, no
   * invariant is to be checked, no task waits for the loop to be idle (see Host.quiet). The loop
   * then skips such polls, which also leaves them out of the trace.
   */
  quiet(): boolean {
    const sim = this.sim;
    return (
      sim !== null &&
      this.timeNs === this.polledNs &&
      !sim.hasInvariants &&
      (this.idleRes === null || this.idleRes.armed === 0) &&
      sim.nextDue() > this.timeNs &&
      !this.readyList.mayReport(this.fds)
    );
  }

  /** @internal The simulated time in whole ns. */
  _nowNs(): number {
    return this.timeNs;
  }

  /**
   * Decides a poll with nothing ready: -2 when the poll must scan again (the idle fd fired, or the
   * clock moved to a network event before the deadline), else the wait left of `clockMs`.
   */
  private simulatedWait(clockMs: number): number {
    const left = clockMs < 0 ? -1 : Math.max(0, clockMs - this.waitedNs / 1e6);
    const idle = this.idleRes;
    if (idle !== null && idle.armed > 0 && !idle.fired && clockMs !== 0) {
      idle.fired = true;
      this.touch(idle.fd);
      this.rescan = true;
      return -2;
    }
    const sim = this.sim;
    if (sim === null) return left;
    const next = sim.nextDue();
    if (next === Infinity || (left >= 0 && next > this.timeNs + Math.ceil(left * 1e6))) return left;
    if (next > this.timeNs) {
      this.waitedNs += next - this.timeNs;
      this.timeNs = next;
    }
    sim.deliverDue(this.timeNs);
    this.rescan = true;
    return -2;
  }

  override wasiImports(memory: () => WebAssembly.Memory): WasiImports {
    const imports = super.wasiImports(memory);
    const poll = imports.poll_oneoff;
    const mem = new MemoryView(memory);
    imports.poll_oneoff = (subs: number, events: number, nsubs: number, neventsOut: number): number => {
      const sim = this.sim;
      if (sim === null && this.idleRes === null) return poll(subs, events, nsubs, neventsOut);
      sim?.checkInvariants(); // the state the last pass left
      sim?.deliverDue(this.timeNs);
      this.waitedNs = 0;
      let r: number;
      do {
        this.rescan = false;
        r = poll(subs, events, nsubs, neventsOut);
        if (!this.rescan || r !== 0) break;
      } while (mem.get().getUint32(neventsOut, true) === 0);
      if (sim !== null && r === 0) {
        const view = mem.get();
        perturbAndTrace(sim, view, events, view.getUint32(neventsOut, true), this.timeNs);
        sim.checkInvariants();
      }
      this.polledNs = this.timeNs;
      return r;
    };
    return imports;
  }

  /** @internal The fd that becomes readable when the loop is about to wait (waitAllTasksBlocked). */
  _idleFd(): IdleResource {
    if (this.idleRes === null) {
      this.idleRes = new IdleResource();
      this.fds.open(this.idleRes);
    }
    return this.idleRes;
  }

  connect(host: string, port: number): number {
    checkConnectHost(host);
    checkPort(port);
    return this.network.connect(host, port);
  }

  listen(host: string | null, port: number, backlog = DEFAULT_BACKLOG): number {
    checkListenHost(host);
    checkPort(port);
    checkBacklog(backlog);
    return this.network.listen(host, port, backlog);
  }

  sockRecv(fd: number, into: Uint8Array): number {
    return this.network.sockRecv(fd, into);
  }
  sockSend(fd: number, data: Uint8Array): number {
    return this.network.sockSend(fd, data);
  }
  sockAccept(fd: number): number {
    return this.network.sockAccept(fd);
  }
  sockShutdown(fd: number, how: number): number {
    return this.network.sockShutdown(fd, how);
  }
  sockAbort(fd: number): number {
    return this.network.sockAbort(fd);
  }
  sockError(fd: number): string | null {
    return this.network.sockError(fd);
  }
  sockName(fd: number): SockAddr | null {
    return this.network.sockName(fd);
  }
  peerName(fd: number): SockAddr | null {
    return this.network.peerName(fd);
  }

  /** Closes any fd of this host but the wake-up fd: 0, or -EBADF. */
  fdClose(fd: number): number {
    if (fd === this.wakeupFd || fd === this.idleRes?.fd) return -ERRNO_BADF;
    return this.fds.close(fd) ? 0 : -ERRNO_BADF;
  }

  /** @internal Name lookups (getaddrinfo) answered by the simulated DNS. */
  _lookup(name: string, family: 0 | 4 | 6): LookupAnswer {
    return this.network.lookup(name, family);
  }

  /** @internal An Error to fail an executor job with (a simulated fault), or null. */
  _executorFault(what: string): Error | null {
    return this.sim === null ? null : this.sim.takeExecutorFault(what);
  }
}

function checkCapacity(cap: unknown): asserts cap is number {
  if (typeof cap !== "number") throw new TypeError(`pipe capacity must be a positive integer, got ${typeof cap}`);
  if (!Number.isInteger(cap) || cap <= 0) throw new RangeError(`pipe capacity must be a positive integer, got ${cap}`);
}
