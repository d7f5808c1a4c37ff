// A UDP socket (node:dgram) as an fd resource of a socket host. Datagrams Node delivers queue here
// until `recv` takes them, with their sender; errors that concern no one send (an ICMP
// port-unreachable on a connected socket arrives as ECONNREFUSED on the next receive, as on Linux)
// and failures of earlier sends (EMSGSIZE…) queue beside them, so the reader learns of each once.
//
// Readiness (level-triggered): readable while a datagram or an error waits; writable once the
// bind (and connect, when a remote address was given) has finished, successfully or not — the
// sticky `errno` then says which. Sends never wait: Node queues them, `sendQueueSize` tells how
// many bytes are still queued. At most RECV_QUEUE_MAX datagrams are held; beyond that new ones
// are dropped, as a full kernel receive buffer drops them.
//
// Limits: Deno's node:dgram does not report ICMP errors, so there a refused peer is silent.

import type * as Dgram from "node:dgram";
import type { Resource } from "../fd-table.js";
import { ERRNO_AGAIN, ERRNO_BADF, ERRNO_SUCCESS, describeHostError } from "../errno.js";
import { requireBuiltin } from "./node-modules.js";
import { checkPermission, netTarget } from "../deno-permissions.js";
import type { SocketHost } from "./socket-host.js";
import type { SockAddr } from "../socket-api.js";
import type { UdpHandle, UdpItem, UdpOpenOptions } from "../io-api.js";

export type { UdpItem, UdpOpenOptions };

/** Most datagrams queued for reading; later ones are dropped until the reader catches up. */
export const RECV_QUEUE_MAX = 4096;

export class UdpSocket implements Resource, UdpHandle {
  fd = -1;
  private items: UdpItem[] = [];
  private head = 0;
  /** True once bound (and connected, if asked), or failed. */
  ready = false;
  errno = ERRNO_SUCCESS;
  code: string | null = null;
  error: unknown = null;
  closed = false;
  /** Datagrams dropped because the queue was full. */
  dropped = 0;
  private reportErrno = ERRNO_SUCCESS;
  private local: SockAddr | null = null;
  private peer: SockAddr | null = null;

  constructor(
    readonly socket: Dgram.Socket,
    private readonly owner: SocketHost,
    private readonly broadcast: boolean,
  ) {
    socket.on("message", (msg: Uint8Array, rinfo: Dgram.RemoteInfo) =>
      this.push({ data: msg, address: rinfo.address, port: rinfo.port, error: null }),
    );
    socket.on("error", (err: Error) => this.onError(err));
  }

  /** Binds (and connects); the fd becomes writable when done. */
  start(local: [string, number] | null, remote: [string, number] | null): void {
    const s = this.socket;
    const connect = () => {
      if (this.closed) return;
      if (remote === null) {
        this.finish();
        return;
      }
      s.connect(remote[1], remote[0], () => this.finish());
    };
    try {
      if (local !== null) s.bind(local[1], local[0], connect);
      else if (remote === null) s.bind(0, connect);
      else connect(); // connect binds an ephemeral port itself
    } catch (err) {
      this.onError(err); // an address Node refuses at once: the bind's error
    }
  }

  private finish(): void {
    if (this.closed || this.ready) return;
    this.ready = true;
    if (this.broadcast) this.socket.setBroadcast(true);
    try {
      const a = this.socket.address();
      this.local = { address: a.address, port: a.port, family: a.family };
    } catch {
      /* not bound */
    }
    try {
      const r = this.socket.remoteAddress();
      this.peer = { address: r.address, port: r.port, family: r.family };
    } catch {
      /* not connected */
    }
    this.owner._readinessChanged(this);
  }

  private onError(err: unknown): void {
    if (this.closed) return;
    if (!this.ready) {
      const { errno, code } = describeHostError(err);
      this.ready = true;
      this.errno = this.reportErrno = errno;
      this.code = code;
      this.error = err;
      this.owner._readinessChanged(this);
      return;
    }
    this.push({ data: null, address: "", port: 0, error: err as Error });
  }

  private push(item: UdpItem): void {
    if (this.closed) return;
    const n = this.items.length - this.head;
    if (n >= RECV_QUEUE_MAX && item.data !== null) {
      this.dropped++;
      return;
    }
    this.items.push(item);
    if (n === 0) this.owner._readinessChanged(this);
  }

  /** The next datagram or queued error, or -EAGAIN, or -errno. */
  recv(): UdpItem | number {
    if (this.closed) return -ERRNO_BADF;
    if (this.errno !== ERRNO_SUCCESS) return -this.errno;
    if (this.head === this.items.length) return -ERRNO_AGAIN;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as unknown as UdpItem;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
    return item;
  }

  /** Queues `data` for `address`:`port` (both undefined on a connected socket); a failure is queued for `recv`. */
  send(data: Uint8Array, port?: number, address?: string): number {
    if (this.closed) return -ERRNO_BADF;
    if (this.errno !== ERRNO_SUCCESS) return -this.errno;
    const cb = (err: Error | null) => {
      if (err) this.push({ data: null, address: address ?? "", port: port ?? 0, error: err });
    };
    if (port === undefined) this.socket.send(data, cb);
    else this.socket.send(data, port, address, cb);
    return data.length;
  }

  /** Bytes queued in Node and not yet sent (0 where the runtime does not say). */
  sendQueueSize(): number {
    const s = this.socket as { getSendQueueSize?(): number };
    return this.closed || typeof s.getSendQueueSize !== "function" ? 0 : s.getSendQueueSize();
  }

  sockName(): SockAddr | null {
    return this.local;
  }

  peerName(): SockAddr | null {
    return this.peer;
  }

  readReady(): boolean {
    return this.head < this.items.length || this.errno !== ERRNO_SUCCESS;
  }

  writeReady(): boolean {
    return this.ready;
  }

  readableBytes(): number {
    return this.head < this.items.length ? (this.items[this.head].data?.length ?? 0) : 0;
  }

  hungUp(): boolean {
    return false;
  }

  takeError(): number {
    const e = this.reportErrno;
    this.reportErrno = ERRNO_SUCCESS;
    return e;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.items = [];
    this.head = 0;
    try {
      this.socket.close();
    } catch {
      this.socket.unref(); // not running (its bind failed): it must not keep the process alive
    }
  }
}

/** Opens a UDP socket on `host`: an fd that becomes writable once bound (and connected). */
export function udpOpen(host: SocketHost, opts: UdpOpenOptions): number {
  const dgram = requireBuiltin<typeof Dgram>("node:dgram", "UDP sockets");
  const where = opts.local ?? opts.remote ?? null;
  checkPermission(
    { name: "net", host: where === null ? undefined : netTarget(where[0], where[1]) },
    opts.local ? "bind" : "connect",
  );
  if (opts.local && opts.remote)
    checkPermission({ name: "net", host: netTarget(opts.remote[0], opts.remote[1]) }, "connect");
  const addr = opts.local?.[0] ?? opts.remote?.[0] ?? "";
  const type = opts.type ?? (addr.includes(":") ? "udp6" : "udp4");
  const socket = dgram.createSocket({ type, reuseAddr: opts.reuseAddress === true });
  const udp = new UdpSocket(socket, host, opts.allowBroadcast === true);
  const fd = host.fds.open(udp);
  udp.start(opts.local ?? null, opts.remote ?? null);
  return fd;
}

/** The UdpSocket behind `fd`, or null. */
export function udpSocketOf(host: SocketHost, fd: number): UdpSocket | null {
  const res = host.fds.get(fd);
  return res instanceof UdpSocket ? res : null;
}
