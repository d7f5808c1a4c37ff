// TLS fds for the stream and protocol layers: a client connection whose handshake is done (or
// failed with a clear error and `code`, or timed out with ECONNABORTED), a TLS listener, and the
// extra information a TLS transport answers ("peercert", "cipher", "sslObject").

import { SocketHost } from "../../hosts/node/socket-host.js";
import { cipherInfo, connectTls, listenTls, tlsSocketOf } from "../../hosts/node/tls-socket.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { socketHostOf } from "../streams/socket-host-of.js";
import { settledFd } from "../transports/connect-fd.js";
import type { TlsArgs } from "./tls-args.js";

/** The loop's host, when it can do TLS. */
export function tlsHost(loop: EventLoop): SocketHost {
  const host = socketHostOf(loop);
  if (!(host instanceof SocketHost)) throw new Error(`TLS needs a host with node:tls; "${host.name}" has none`);
  return host;
}

/** A TLS connection to `hostName`:`port`, handshake done. */
export function* connectedTlsFd(loop: EventLoop, hostName: string, port: number, tls: TlsArgs): Coroutine<[SocketHost, number]> {
  const host = tlsHost(loop);
  const fd = connectTls(host, hostName, port, tls.options, { serverHostname: tls.serverHostname });
  return [host, yield* settledFd(loop, host, fd, "connect", hostName, port, tls.timeoutMs)];
}

/** A bound TLS listener on `hostName`:`port`. */
export function* boundTlsFd(loop: EventLoop, hostName: string | null, port: number, backlog: number, tls: TlsArgs): Coroutine<[SocketHost, number]> {
  const host = tlsHost(loop);
  const fd = listenTls(host, hostName, port, backlog, tls.options, tls.timeoutMs);
  return [host, yield* settledFd(loop, host, fd, "listen", hostName ?? "*", port)];
}

/** getExtraInfo names of a TLS transport, computed when asked. */
export function tlsExtra(host: SocketHost, fd: number): Record<string, unknown> {
  const s = tlsSocketOf(host, fd);
  if (s === null) return {};
  return {
    peercert: () => {
      const c = s.getPeerCertificate();
      return c && Object.keys(c).length > 0 ? c : null;
    },
    cipher: () => cipherInfo(s),
    compression: () => null,
    sslObject: () => s,
  };
}
