// The wire of the simulated network: TCP connections between addresses, moved as segments
// through a schedule in simulated time (SimNetwork adds the world's controls on top).
//
// A connection is a pair of SimSockets. Bytes written go to the writer's send queue, leave it as
// segments while the reader's window has room (so a slow reader blocks its writer, as a real
// socket buffer does), cross their link (bandwidth, then latency plus jitter) and arrive through
// the schedule, in order per connection. Setting up a connection costs a round trip (SYN, then
// SYN-ACK or a refusal). Every readiness change is reported to the host (`_touch`), and
// everything that happens is mixed into the trace.
//
// With a seed, the wire perturbs only what a real network leaves open: arrival times within a
// link's jitter and how a write is split into segments (so into reads). Without one, jitter is
// not applied and writes are never split. Random faults (FaultOptions) are drawn from the same
// generator, so a run is a function of its program and its seed.
//
// Limits: no UDP, no retransmission model (a partition holds segments and delivers them when it
// heals), a reset drops whatever was buffered at both ends; data reaching a closed socket is
// answered with a reset.

import type { FdTable } from "../fd-table.js";
import {
  ERRNO_ADDRINUSE,
  ERRNO_AGAIN,
  ERRNO_BADF,
  ERRNO_CONNREFUSED,
  ERRNO_CONNRESET,
  ERRNO_INVAL,
  ERRNO_IO,
  ERRNO_NOTCONN,
  ERRNO_NOTSOCK,
  ERRNO_PIPE,
  errnoName,
} from "../errno.js";
import type { SockAddr } from "../socket-api.js";
import { checkFaults, type FaultOptions } from "./sim-faults.js";
import { SimLinks, type LinkState } from "./sim-links.js";
import { SimListener } from "./sim-listener.js";
import { SimRandom } from "./sim-random.js";
import { SimResolver, ipFamily, type LookupAnswer } from "./sim-resolver.js";
import { SimSchedule, type Due } from "./sim-schedule.js";
import { CONNECTING, OPEN, RECV_WINDOW, SEND_BUFFER, SimSocket } from "./sim-socket.js";
import { Ev, SimTrace } from "./sim-trace.js";

export interface NetworkHost {
  readonly fds: FdTable;
  /** The simulated time in whole ns. */
  _nowNs(): number;
  /** Says that the readiness of `fd` may have changed (-1: no fd yet, ignored). */
  _touch(fd: number): void;
}

export interface NetworkOptions {
  seed?: number;
  faults?: FaultOptions | boolean;
  /** Recent trace events kept as text (default 64). */
  traceKeep?: number;
}

const SYN = 0,
  SYNACK = 1,
  REFUSE = 2,
  DATA = 3,
  FIN = 4,
  RST = 5;
const FIRST_EPHEMERAL = 49152;

/** A segment on the wire. Segments are reused once they have arrived (see SimWire.send). */
class Segment implements Due {
  at = 0;
  seq = 0;
  constructor(
    readonly net: SimWire,
    public kind: number,
    public from: SimSocket,
    public to: SimSocket | null,
    public src: string,
    public dst: string,
    public data: Uint8Array | null,
  ) {}
  fire(): void {
    if (!this.net._arrive(this)) this.net._recycle(this);
  }
}

/** Something a test scheduled for a simulated time. */
class Action implements Due {
  at = 0;
  seq = 0;
  constructor(readonly fn: () => void) {}
  fire(): void {
    this.fn();
  }
}

export abstract class SimWire {
  /** The seed, or null when the run is not perturbed. */
  readonly seed: number | null;
  readonly trace: SimTrace;
  /** The random source of perturbations and faults (seed 0 when no seed was given). */
  readonly random: SimRandom;
  /** The source address of connections made from now on. */
  clientAddress = "10.0.0.100";
  readonly links = new SimLinks();
  readonly resolver = new SimResolver();
  /** Random fault rates (all 0 unless the host was made with `faults`). */
  readonly faults: Required<FaultOptions>;
  protected readonly schedule = new SimSchedule();
  protected readonly listeners = new Map<string, SimListener>();
  protected readonly sockets = new Set<SimSocket>();
  protected readonly refusals = new Map<string, number>();
  protected shortIoOn = false;
  protected executorFaults = 0;
  private readonly ports = new Map<string, number>();
  private held: Segment[] = [];
  /** Segments that have arrived, for reuse (a send then allocates nothing but its bytes). */
  private readonly spare: Segment[] = [];
  private nextId = 1;

  constructor(
    private readonly host: NetworkHost,
    options: NetworkOptions = {},
  ) {
    const seed = options.seed;
    if (seed !== undefined && (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) {
      throw typeof seed !== "number"
        ? new TypeError(`seed must be an integer, got ${typeof seed}`)
        : new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
    }
    this.seed = seed ?? null;
    this.random = new SimRandom(seed ?? 0);
    this.faults = checkFaults(options.faults);
    this.trace = new SimTrace(options.traceKeep ?? 64);
  }

  protected now(): number {
    return this.host._nowNs();
  }

  // ---------------------------------------------------------------- the host's socket calls

  connect(hostName: string, port: number): number {
    const src = this.clientAddress;
    const answer = this.lookup(hostName, 0);
    const dst = answer.error === null ? answer.addresses[0].address : hostName;
    const sock = new SimSocket(this, this.nextId++, addr(src, this.ephemeral(src)), addr(dst, port));
    this.sockets.add(sock);
    const fd = this.host.fds.open(sock);
    this.trace.add(this.now(), Ev.connect, sock.id, port, 0, `${src}>${dst}`);
    if (answer.error !== null) {
      sock.fail(ERRNO_IO, answer.error);
      this.host._touch(fd);
    } else this.send(SYN, sock, null, src, dst, null);
    return fd;
  }

  listen(hostName: string | null, port: number, backlog: number): number {
    const address = hostName ?? "0.0.0.0";
    const p = port === 0 ? this.ephemeral(address) : port;
    const l = new SimListener(this, addr(address, p), Math.max(1, backlog));
    const k = `${address}|${p}`;
    if (this.listeners.has(k)) {
      l.errno = ERRNO_ADDRINUSE;
      l.code = "EADDRINUSE";
    } else this.listeners.set(k, l);
    this.trace.add(this.now(), Ev.listen, p, l.errno, 0, address);
    return this.host.fds.open(l);
  }

  sockRecv(fd: number, into: Uint8Array): number {
    const s = this.host.fds.get(fd);
    if (!(s instanceof SimSocket)) return this.notSocket(fd);
    if (s.errno !== 0) return -s.errno;
    if (s.state !== OPEN) return -ERRNO_NOTCONN;
    if (s.recvBuffered === 0) return s.eof ? 0 : -ERRNO_AGAIN;
    let max = into.length;
    if (this.short()) max = 1 + this.random.int(Math.min(max, s.recvBuffered));
    const n = s.take(into, max);
    if (s.peer !== null) this.pump(s.peer); // the window opened
    return n;
  }

  sockSend(fd: number, data: Uint8Array): number {
    const s = this.host.fds.get(fd);
    if (!(s instanceof SimSocket)) return this.notSocket(fd);
    if (s.errno !== 0) return -s.errno;
    if (s.state !== OPEN) return -ERRNO_NOTCONN;
    if (s.finPending) return -ERRNO_PIPE;
    const room = SEND_BUFFER - s.sendQueued - s.inflight;
    if (room <= 0) return data.length === 0 ? 0 : -ERRNO_AGAIN;
    let n = Math.min(room, data.length);
    if (n > 1 && this.short()) n = 1 + this.random.int(n);
    if (n === 0) return 0;
    s.sendQueue.push(data.slice(0, n));
    s.sendQueued += n;
    this.pump(s);
    return n;
  }

  sockAccept(fd: number): number {
    const l = this.host.fds.get(fd);
    if (!(l instanceof SimListener)) return l === undefined ? -ERRNO_BADF : -ERRNO_INVAL;
    const s = l.pending.shift();
    if (s === undefined) return -ERRNO_AGAIN;
    this.trace.add(this.now(), Ev.accept, s.id, 0, 0);
    return this.host.fds.open(s);
  }

  sockShutdown(fd: number, how: number): number {
    const s = this.host.fds.get(fd);
    if (!(s instanceof SimSocket)) return this.notSocket(fd);
    if (!(how >= 1 && how <= 3)) return -ERRNO_INVAL;
    if ((how & 2) !== 0 && !s.finPending) {
      s.finPending = true;
      this.pump(s);
    }
    return 0;
  }

  /** Closes `fd` with a reset: its buffers are dropped, the peer gets ECONNRESET. */
  sockAbort(fd: number): number {
    const s = this.host.fds.get(fd);
    if (!(s instanceof SimSocket)) return this.notSocket(fd);
    if (s.state === OPEN && s.errno === 0 && s.peer !== null) {
      this.send(RST, s, s.peer, s.local.address, s.remote.address, null);
    }
    s.dropAll();
    s.errno = ERRNO_CONNRESET;
    this.host.fds.close(fd);
    return 0;
  }

  sockError(fd: number): string | null {
    const r = this.host.fds.get(fd);
    if (r instanceof SimSocket || r instanceof SimListener)
      return r.errno === 0 ? null : (r.code ?? errnoName(r.errno));
    return r === undefined ? "EBADF" : null;
  }

  sockName(fd: number): SockAddr | null {
    const r = this.host.fds.get(fd);
    return r instanceof SimSocket ? { ...r.local } : r instanceof SimListener ? { ...r.address } : null;
  }

  peerName(fd: number): SockAddr | null {
    const r = this.host.fds.get(fd);
    return r instanceof SimSocket ? { ...r.remote } : null;
  }

  /** Answers a name lookup from the simulated DNS (random DNS faults included). */
  lookup(name: string, family: 0 | 4 | 6): LookupAnswer {
    if (ipFamily(name) === 0 && this.random.chance(this.faults.dns)) {
      this.trace.add(this.now(), Ev.dns, 1, 0, 0, name);
      return { error: "EAI_AGAIN", addresses: [] };
    }
    const a = this.resolver.lookup(name, family);
    this.trace.add(this.now(), Ev.dns, a.error === null ? 0 : 2, a.addresses.length, 0, name);
    return a;
  }

  /** An Error to fail an executor job with, or null to run it (scheduled and random faults). */
  takeExecutorFault(what: string): Error | null {
    let fail = false;
    if (this.executorFaults > 0) {
      this.executorFaults--;
      fail = true;
    } else fail = this.random.chance(this.faults.executor);
    if (!fail) return null;
    this.trace.add(this.now(), Ev.executor, 0, 0, 0, what);
    return Object.assign(new Error(`simulated fault: executor job ${what} failed`), { code: "ESIMFAULT" });
  }

  // ---------------------------------------------------------------- driving time

  /** The time of the next scheduled arrival or action (ns), or Infinity. */
  nextDue(): number {
    return this.schedule.next();
  }

  /** Delivers every segment and runs every action due at `now` or before. */
  deliverDue(now: number): void {
    for (let d = this.schedule.popDue(now); d !== null; d = this.schedule.popDue(now)) d.fire();
  }

  /** Runs `fn` at simulated time `ns` (not before now), between loop passes. */
  protected scheduleAt(ns: number, fn: () => void): void {
    this.schedule.push(new Action(fn), Math.max(this.now(), ns));
  }

  /** Cuts the link between `a` and `b` (or every link of `a` when `b` is null). */
  protected cut(a: string, b: string | null): void {
    if (b === null) this.links.isolate(a);
    else this.links.partition(a, b);
    this.trace.add(this.now(), Ev.partition, b === null ? 1 : 0, 0, 0, b === null ? a : `${a} ${b}`);
  }

  /** Heals cuts (as SimLinks.heal) and sends the segments they held, from now. */
  protected healCuts(a?: string, b?: string): void {
    this.links.heal(a, b);
    this.trace.add(this.now(), Ev.heal, 0, 0, 0, `${a ?? "*"} ${b ?? "*"}`);
    const held = this.held;
    this.held = [];
    for (const seg of held) {
      if (this.links.blocked(seg.src, seg.dst)) this.held.push(seg);
      else this.schedule.push(seg, this.now() + this.links.state(seg.src, seg.dst).latencyNs);
    }
  }

  // ---------------------------------------------------------------- internals

  /** @internal An fd of one of this network's sockets was closed. */
  _socketClosed(s: SimSocket): void {
    this.trace.add(this.now(), Ev.close, s.id, s.recvBuffered, 0);
    if (s.errno === 0 && s.state === OPEN && s.peer !== null && s.recvBuffered > 0) {
      // Closed with bytes it never read: a reset instead of a FIN (what Linux does), and what it
      // had queued is dropped.
      s.dropAll();
      s.errno = ERRNO_CONNRESET;
      this.send(RST, s, s.peer, s.local.address, s.remote.address, null);
    } else if (s.errno === 0 && s.state === OPEN && !s.finPending) {
      s.finPending = true;
      this.pump(s);
    }
    if (s.inflight === 0 && s.sendQueued === 0) this.sockets.delete(s);
  }

  /** @internal A listener's fd was closed: waiting connections are reset. */
  _listenerClosed(l: SimListener): void {
    const k = `${l.address.address}|${l.address.port}`;
    if (this.listeners.get(k) === l) this.listeners.delete(k);
    for (const s of l.pending.splice(0)) this.resetConnection(s);
  }

  /** @internal A segment that arrived and was not held: kept for reuse, without its references. */
  _recycle(seg: Segment): void {
    seg.to = null;
    seg.data = null;
    if (this.spare.length < 1024) this.spare.push(seg);
  }

  /** @internal A segment reached its destination's side of the link; true when a partition holds it. */
  _arrive(seg: Segment): boolean {
    if (this.links.blocked(seg.src, seg.dst)) {
      this.held.push(seg);
      this.trace.add(this.now(), Ev.drop, seg.from.id, seg.kind, 0);
      return true;
    }
    const from = seg.from,
      to = seg.to;
    switch (seg.kind) {
      case SYN:
        this.onSyn(seg);
        return false;
      case SYNACK:
        if (from.closed) {
          this.send(RST, from, from.peer, seg.dst, seg.src, null);
          return false;
        }
        if (from.state !== CONNECTING) return false;
        from.state = OPEN;
        this.host._touch(from.fd);
        this.trace.add(this.now(), Ev.established, from.id, 0, 0);
        this.pump(from);
        return false;
      case REFUSE:
        this.trace.add(this.now(), Ev.refused, from.id, 0, 0);
        from.fail(ERRNO_CONNREFUSED, "ECONNREFUSED");
        this.host._touch(from.fd);
        return false;
      case DATA: {
        const n = seg.data!.length;
        const wasFull = from.sendQueued + from.inflight >= SEND_BUFFER;
        from.inflight -= n;
        if (wasFull) this.host._touch(from.fd); // its buffer has room again
        this.trace.add(this.now(), Ev.arrive, from.id, n, 0);
        if (to === null || to.errno !== 0) {
          this.forget(from);
          return false;
        }
        if (to.closed) {
          // Data for a socket whose fd is closed: answered with a reset, as a kernel does.
          if (from.errno === 0 && !from.closed) this.send(RST, to, from, seg.dst, seg.src, null);
          this.forget(from);
          return false;
        }
        to.push(seg.data!);
        this.host._touch(to.fd);
        if (this.random.chance(this.faults.reset)) this.resetConnection(to);
        return false;
      }
      case FIN:
        this.trace.add(this.now(), Ev.fin, from.id, 0, 0);
        if (to !== null) {
          to.eof = true;
          this.host._touch(to.fd);
        }
        this.forget(from);
        return false;
      case RST:
        this.trace.add(this.now(), Ev.reset, from.id, 0, 0);
        if (to !== null && !to.closed) {
          to.fail(ERRNO_CONNRESET, "ECONNRESET");
          this.host._touch(to.fd);
        }
        return false;
    }
    return false;
  }

  private onSyn(seg: Segment): void {
    const client = seg.from,
      dst = seg.dst,
      port = client.remote.port;
    const listener =
      this.listeners.get(`${dst}|${port}`) ?? this.listeners.get(`0.0.0.0|${port}`) ?? this.listeners.get(`::|${port}`);
    if (listener === undefined || listener.pending.length >= listener.backlog || this.takeRefusal(dst, port)) {
      this.send(REFUSE, client, client, dst, seg.src, null);
      return;
    }
    const server = new SimSocket(this, this.nextId++, addr(dst, port), { ...client.local });
    server.state = OPEN;
    server.peer = client;
    client.peer = server;
    this.sockets.add(server);
    listener.pending.push(server);
    this.host._touch(listener.fd);
    this.send(SYNACK, client, client, dst, seg.src, null);
  }

  private takeRefusal(dst: string, port: number): boolean {
    for (const k of [`${dst}|${port}`, dst]) {
      const n = this.refusals.get(k);
      if (n !== undefined && n > 0) {
        if (n === 1) this.refusals.delete(k);
        else this.refusals.set(k, n - 1);
        return true;
      }
    }
    return this.random.chance(this.faults.refuse);
  }

  /** Moves queued bytes of `s` onto the wire while the peer's window has room; then a pending FIN. */
  private pump(s: SimSocket): void {
    const peer = s.peer;
    if (peer === null || s.state !== OPEN || s.errno !== 0) return;
    const perturb = this.seed !== null;
    while (s.sendQueued > 0) {
      const window = RECV_WINDOW - peer.recvBuffered - s.inflight;
      if (window <= 0) break;
      const head = s.sendQueue.first();
      let take = Math.min(head.length, window);
      if (perturb && take > 1 && this.random.chance(0.25)) take = 1 + this.random.int(take - 1);
      let piece = head;
      if (take === head.length) s.sendQueue.shift();
      else {
        piece = head.subarray(0, take);
        s.sendQueue.setFirst(head.subarray(take));
      }
      s.sendQueued -= take;
      s.inflight += take;
      this.send(DATA, s, peer, s.local.address, s.remote.address, piece);
    }
    if (s.sendQueued === 0 && s.finPending && !s.finSent) {
      s.finSent = true;
      this.send(FIN, s, peer, s.local.address, s.remote.address, null);
    }
  }

  /** Puts a segment on the link `src` → `dst`; `from` keeps the connection's segments in order. */
  private send(
    kind: number,
    from: SimSocket,
    to: SimSocket | null,
    src: string,
    dst: string,
    data: Uint8Array | null,
  ): void {
    const now = this.now();
    let link: LinkState;
    if (kind === DATA) {
      if (from.linkVersion !== this.links.version) {
        from.link = this.links.state(src, dst);
        from.linkVersion = this.links.version;
      }
      link = from.link!;
    } else link = this.links.state(src, dst);
    let at = now;
    if (data !== null && link.bytesPerNs > 0) {
      link.txFreeAt = Math.max(now, link.txFreeAt) + Math.round(data.length / link.bytesPerNs);
      at = link.txFreeAt;
    }
    at += link.latencyNs + link.extraNs;
    if (this.seed !== null && link.jitterNs > 0) at += this.random.int(link.jitterNs + 1);
    if (this.random.chance(this.faults.delay)) at += this.random.int(Math.round(this.faults.delayMs * 1e6) + 1);
    if (this.random.chance(this.faults.partition)) this.cutFor(src, dst, this.faults.partitionMs);
    if (kind !== SYN && kind !== REFUSE && kind !== SYNACK) {
      if (at < from.lastArrival) at = from.lastArrival;
      from.lastArrival = at;
    }
    this.trace.add(now, Ev.send, from.id, kind, data === null ? 0 : data.length);
    let seg = this.spare.pop();
    if (seg === undefined) seg = new Segment(this, kind, from, to, src, dst, data);
    else {
      seg.kind = kind;
      seg.from = from;
      seg.to = to;
      seg.src = src;
      seg.dst = dst;
      seg.data = data;
    }
    this.schedule.push(seg, at);
  }

  private cutFor(a: string, b: string, ms: number): void {
    if (this.links.blocked(a, b)) return;
    this.cut(a, b);
    this.scheduleAt(this.now() + Math.round(ms * 1e6), () => this.healCuts(a, b));
  }

  protected resetConnection(s: SimSocket): void {
    this.trace.add(this.now(), Ev.reset, s.id, 1, 0);
    for (const end of s.peer === null ? [s] : [s, s.peer]) {
      if (!end.closed) end.fail(ERRNO_CONNRESET, "ECONNRESET");
      else end.dropAll();
      end.inflight = 0;
      this.host._touch(end.fd);
    }
  }

  /** Stops tracking a closed socket once nothing of it is on the wire. */
  private forget(s: SimSocket): void {
    if (s.closed && s.inflight === 0 && s.sendQueued === 0) this.sockets.delete(s);
  }

  private short(): boolean {
    return this.shortIoOn || this.random.chance(this.faults.shortIo);
  }

  private ephemeral(address: string): number {
    let p = this.ports.get(address) ?? FIRST_EPHEMERAL;
    while (this.listeners.has(`${address}|${p}`)) p++;
    this.ports.set(address, p + 1 > 65535 ? FIRST_EPHEMERAL : p + 1);
    return p;
  }

  private notSocket(fd: number): number {
    const r = this.host.fds.get(fd);
    return r instanceof SimListener ? -ERRNO_NOTCONN : r === undefined ? -ERRNO_BADF : -ERRNO_NOTSOCK;
  }
}

function addr(address: string, port: number): SockAddr {
  return { address, port, family: ipFamily(address) === 6 ? "IPv6" : "IPv4" };
}
