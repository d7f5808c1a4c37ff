// loop.createDatagramEndpoint: asyncio's UDP endpoint. `localAddr` binds ([host, port]; port 0
// picks one), `remoteAddr` connects (sendto then needs no address, and only that peer's
// datagrams arrive); with neither, an ephemeral port on every interface is bound. Returns
// [transport, protocol] once bound and connectionMade has run; a failed bind throws an Error with
// `code` (EADDRINUSE…) and leaves no fd.

import { checkPort } from "../../hosts/socket-api.js";
import { describe } from "../../checks.js";
import type { UdpOpenOptions } from "../../hosts/io-api.js";
import { ioHostOf } from "../io-host-of.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { Future } from "../../tasks/future.js";
import { socketError } from "../streams/socket-errors.js";
import { waitWritable } from "../streams/socket-host-of.js";
import { DatagramTransport, type DatagramProtocolLike } from "./datagram-transport.js";
import { checkProtocolFactory } from "./protocols.js";

export interface DatagramEndpointOptions {
  localAddr?: [string, number] | null;
  remoteAddr?: [string, number] | null;
  /** SO_REUSEADDR on the socket (asyncio 3.13 refuses it for UDP; here it is allowed as SO_REUSEADDR only). */
  reuseAddress?: boolean;
  /** SO_BROADCAST. */
  allowBroadcast?: boolean;
  /** "udp4" or "udp6" (default: from the addresses). */
  family?: "udp4" | "udp6";
}

function checkAddr(addr: unknown, what: string): [string, number] | null {
  if (addr === undefined || addr === null) return null;
  if (!Array.isArray(addr) || addr.length !== 2 || typeof addr[0] !== "string")
    throw new TypeError(`${what} must be [host, port], got ${describe(addr)}`);
  checkPort(addr[1]);
  return [addr[0], addr[1]];
}

export function createDatagramEndpoint<P extends DatagramProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  options: DatagramEndpointOptions = {},
): Coroutine<[DatagramTransport, P]> {
  checkProtocolFactory(protocolFactory);
  const o = options ?? {};
  const local = checkAddr(o.localAddr, "localAddr");
  const remote = checkAddr(o.remoteAddr, "remoteAddr");
  if (o.family !== undefined && o.family !== "udp4" && o.family !== "udp6")
    throw new RangeError(`family must be "udp4" or "udp6", got ${describe(o.family)}`);
  return open(loop, protocolFactory, {
    local,
    remote,
    reuseAddress: o.reuseAddress,
    allowBroadcast: o.allowBroadcast,
    type: o.family,
  });
}

function* open<P extends DatagramProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  opts: UdpOpenOptions,
): Coroutine<[DatagramTransport, P]> {
  const host = ioHostOf(loop, "UDP endpoints");
  const fd = host.udpOpen(opts);
  const udp = host.udpOf(fd)!;
  let ok = false;
  try {
    yield* waitWritable(loop, fd);
    if (udp.code !== null) {
      const where = opts.local ?? opts.remote;
      const err = socketError(udp.code, opts.local ? "bind" : "connect", where?.[0], where?.[1]);
      throw err;
    }
    const protocol = protocolFactory();
    if (protocol === null || typeof protocol !== "object" || typeof protocol.datagramReceived !== "function") {
      throw new TypeError("protocolFactory must return a datagram protocol (with datagramReceived)");
    }
    ok = true;
    const waiter = new Future<void>(loop);
    const transport = new DatagramTransport(loop, host, fd, udp, protocol, waiter);
    try {
      yield* waiter;
    } catch (e) {
      transport.close();
      throw e;
    }
    return [transport, protocol];
  } finally {
    if (!ok) host.fdClose(fd);
  }
}
