// TLS fds for the stream and protocol layers: a client connection whose handshake is done (or
// failed with a clear error and `code`, or timed out with ECONNABORTED), a TLS listener, and the
// extra information a TLS transport answers ("peercert", "cipher", "sslObject").

import type { IoHostApi } from "../../hosts/io-api.js";
import { ioHostOf } from "../io-host-of.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { settledFd } from "../transports/connect-fd.js";
import type { TlsArgs } from "./tls-args.js";

/** The loop's host, when it can do TLS. */
export function tlsHost(loop: EventLoop): IoHostApi {
  return ioHostOf(loop, "TLS connections");
}

/** A TLS connection to `hostName`:`port`, handshake done. */
export function* connectedTlsFd(
  loop: EventLoop,
  hostName: string,
  port: number,
  tls: TlsArgs,
): Coroutine<[IoHostApi, number]> {
  const host = tlsHost(loop);
  const fd = host.connectTls(hostName, port, tls.options, { serverHostname: tls.serverHostname });
  return [host, yield* settledFd(loop, host, fd, "connect", hostName, port, tls.timeoutMs)];
}

/** A bound TLS listener on `hostName`:`port`. */
export function* boundTlsFd(
  loop: EventLoop,
  hostName: string | null,
  port: number,
  backlog: number,
  tls: TlsArgs,
): Coroutine<[IoHostApi, number]> {
  const host = tlsHost(loop);
  const fd = host.listenTls(hostName, port, backlog, tls.options, tls.timeoutMs);
  return [host, yield* settledFd(loop, host, fd, "listen", hostName ?? "*", port)];
}

/** getExtraInfo names of a TLS transport, computed when asked. */
export function tlsExtra(host: IoHostApi, fd: number): Record<string, unknown> {
  const t = host.tlsOf(fd);
  if (t === null) return {};
  return { peercert: () => t.peercert(), cipher: () => t.cipher(), compression: () => null, sslObject: t.sslObject };
}
