// DatagramTransport: asyncio's datagram transport over a host UDP fd, driving a
// DatagramProtocol. Datagrams and errors travel host → fd table → the core's poll_oneoff → the
// reader callback, which hands every queued one to datagramReceived(data, [host, port]) or
// errorReceived(exc) in arrival order. sendto never waits (the host queues the datagram); a send
// that fails later (EMSGSIZE for a datagram larger than the socket takes, ECONNREFUSED after an
// ICMP port-unreachable on a connected endpoint) reaches errorReceived, and the endpoint stays
// open, as in asyncio on Linux.

import { ERRNO_AGAIN, errnoName } from "../../hosts/errno.js";
import { isIoHost, type IoHostApi, type UdpHandle } from "../../hosts/io-api.js";
import type { SockAddr } from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Future } from "../../tasks/future.js";
import { socketError } from "../streams/socket-errors.js";
import { BaseTransport } from "./base-transport.js";
import { checkMadeBy } from "./check-internal.js";

const encoder = new TextEncoder();

/** What a datagram transport needs of its protocol. */
export interface DatagramProtocolLike {
  connectionMade(transport: DatagramTransport): void;
  connectionLost(exc: unknown): void;
  datagramReceived(data: Uint8Array, addr: [string, number]): void;
  errorReceived(exc: Error): void;
}

export class DatagramTransport extends BaseTransport {
  private readonly loop: EventLoop;
  private readonly host: IoHostApi;
  private readonly fd: number;
  private readonly udp: UdpHandle;
  private protocol: DatagramProtocolLike;
  private readonly extra: { sockname: SockAddr | null; peername: SockAddr | null; fd: number };
  private closing = false;
  private lost = false;
  private started = false;
  private waiter: Future<void> | null;

  /** @internal */
  constructor(
    loop: EventLoop,
    host: IoHostApi,
    fd: number,
    udp: UdpHandle,
    protocol: DatagramProtocolLike,
    waiter: Future<void>,
  ) {
    super();
    checkMadeBy(
      "loop.createDatagramEndpoint()",
      loop,
      isIoHost(host),
      typeof (udp as Partial<UdpHandle> | null)?.recv === "function",
      typeof (protocol as Partial<DatagramProtocolLike> | null)?.datagramReceived === "function",
    );
    this.loop = loop;
    this.host = host;
    this.fd = fd;
    this.udp = udp;
    this.protocol = protocol;
    this.waiter = waiter;
    this.extra = { sockname: udp.sockName(), peername: udp.peerName(), fd };
    loop._soon(startStep, this);
  }

  /** "sockname", "peername" ({ address, port, family }; peername only when connected), "fd". */
  getExtraInfo(name: string, dflt: unknown = null): unknown {
    const v = (this.extra as Record<string, unknown>)[name];
    return v === undefined || v === null ? dflt : v;
  }

  getProtocol(): DatagramProtocolLike {
    return this.protocol;
  }

  setProtocol(protocol: DatagramProtocolLike): void {
    this.protocol = protocol;
  }

  isClosing(): boolean {
    return this.closing;
  }

  /** Bytes of datagrams queued and not yet sent. */
  getWriteBufferSize(): number {
    return this.udp.sendQueueSize();
  }

  /**
   * Sends one datagram to `addr` ([host, port]); on a connected endpoint `addr` must be omitted
   * or be the remote address. Failures reach errorReceived.
   */
  sendto(data: Uint8Array | string, addr?: [string, number] | null): void {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    if (!(bytes instanceof Uint8Array))
      throw new TypeError(`data must be a Uint8Array or a string, got ${data === null ? "null" : typeof data}`);
    const peer = this.extra.peername;
    if (addr !== undefined && addr !== null) {
      if (!Array.isArray(addr) || typeof addr[0] !== "string" || typeof addr[1] !== "number")
        throw new TypeError("addr must be [host, port]");
      if (peer !== null && (addr[0] !== peer.address || addr[1] !== peer.port)) {
        throw new RangeError(
          `Invalid address: must be null or [${peer.address}, ${peer.port}] on a connected endpoint`,
        );
      }
    }
    if (this.closing) return; // asyncio drops sends after close
    let n: number;
    if (peer !== null) n = this.udp.send(bytes);
    else if (addr === undefined || addr === null) {
      this.report(socketError("EDESTADDRREQ", "sendto"));
      return;
    } else n = this.udp.send(bytes, addr[1], addr[0]);
    if (n < 0) this.report(socketError(errnoName(-n), "sendto"));
  }

  /** Closes the endpoint; connectionLost(null) is called on a later pass. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.loop.removeReader(this.fd);
    this.loop._soon(lostStep, this);
  }

  /** The same as close(): a datagram endpoint has nothing to flush. */
  abort(): void {
    this.close();
  }

  override toString(): string {
    const a = this.extra.sockname;
    return `<DatagramTransport ${a ? `${a.address}:${a.port}` : "?"}${this.closing ? " closing" : ""}>`;
  }

  /** @internal */
  _start(): void {
    if (this.closing) return;
    this.started = true;
    try {
      this.protocol.connectionMade(this);
    } catch (e) {
      this.loop.callExceptionHandler({
        message: "protocol.connectionMade() failed",
        exception: e,
        transport: this,
        protocol: this.protocol,
      });
      this.close();
    }
    if (!this.closing) this.loop.addReader(this.fd, readableStep, this);
    const w = this.waiter;
    this.waiter = null;
    if (w !== null && !w.done()) w.setResult(undefined);
  }

  /** @internal The reader callback: hands over every queued datagram and error. */
  _readReady(): void {
    for (let i = 0; i < 256 && !this.closing; i++) {
      const item = this.udp.recv();
      if (item === -ERRNO_AGAIN) return;
      if (typeof item === "number") {
        this.report(socketError(errnoName(-item), "recvfrom"));
        return;
      }
      if (item.data === null) {
        this.report(hostError(item.error));
        continue;
      }
      try {
        this.protocol.datagramReceived(item.data, [item.address, item.port]);
      } catch (e) {
        this.loop.callExceptionHandler({
          message: "protocol.datagramReceived() failed",
          exception: e,
          transport: this,
          protocol: this.protocol,
        });
        this.close();
      }
    }
  }

  /** @internal */
  _lost(): void {
    if (this.lost) return;
    this.lost = true;
    try {
      if (this.started) this.protocol.connectionLost(null);
    } catch (e) {
      this.loop.callExceptionHandler({
        message: "protocol.connectionLost() failed",
        exception: e,
        transport: this,
        protocol: this.protocol,
      });
    } finally {
      this.host.fdClose(this.fd);
      const w = this.waiter;
      this.waiter = null;
      if (w !== null && !w.done()) w.cancel();
    }
  }

  private report(exc: Error): void {
    try {
      this.protocol.errorReceived(exc);
    } catch (e) {
      this.loop.callExceptionHandler({
        message: "protocol.errorReceived() failed",
        exception: e,
        transport: this,
        protocol: this.protocol,
      });
    }
  }
}

/** A host error as a socket error: its `code` kept, the message as Node gave it. */
function hostError(err: (Error & { code?: string }) | null): Error {
  const e = socketError(err?.code ?? "EIO", (err as { syscall?: string } | null)?.syscall ?? "sendto");
  if (err?.message) e.message = err.message;
  return e;
}

function startStep(t: DatagramTransport): void {
  t._start();
}

function readableStep(t: DatagramTransport): void {
  t._readReady();
}

function lostStep(t: DatagramTransport): void {
  t._lost();
}
