// TLS over node:tls as fds of a socket host. A TLS connection is a TcpSocket resource around
// Node's TLSSocket (a net.Socket), so the data path, readiness and flow control are TCP's; it
// counts as connected once the handshake is done ("secureConnect"), and a failed handshake
// (an unknown or expired certificate, a hostname mismatch, a peer that hangs up mid-handshake) is
// the fd's error, with Node's code ("CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID"…). A TLS
// listener hands out connections whose handshake is done ("secureConnection"); the ones that
// fail are dropped by Node. An upgrade in place (STARTTLS) moves Node's plain socket out of its
// TcpSocket into a TLSSocket under a new fd.
//
// TLS connections are not half-open: an EOF from the peer ends both directions, as asyncio's SSL
// transports (canWriteEof() is false). With half-open sockets Node leaves the server's socket of
// a client that hung up mid-handshake open until the handshake timeout.
//
// Limits: Node may not report a peer's certificate problem with a code when the peer aborts the
// handshake (then it is ECONNRESET); SNI is sent for names, never for IP addresses (RFC 6066).

import type * as Net from "node:net";
import type * as Tls from "node:tls";
import { ERRNO_BADF, ERRNO_INVAL, ERRNO_NOTSOCK } from "../errno.js";
import { requireBuiltin } from "./node-modules.js";
import { checkPermission, netTarget } from "../deno-permissions.js";
import type { TlsOptions } from "../tls-api.js";
import type { TlsClientOptions, TlsInfo } from "../io-api.js";

export type { TlsOptions, TlsClientOptions };
import type { SocketHost } from "./socket-host.js";
import { TcpListener } from "./tcp-listener.js";
import { TcpSocket } from "./tcp-socket.js";

function tls(): typeof Tls {
  return requireBuiltin<typeof Tls>("node:tls", "TLS");
}

function isIp(name: string): boolean {
  return requireBuiltin<typeof Net>("node:net", "TLS").isIP(name) !== 0;
}

/** Client options for node:tls: SNI only for names; the identity check against `name` ("" = none). */
function clientOptions(options: TlsOptions, name: string | undefined): Tls.ConnectionOptions {
  const o = { ...options } as Tls.ConnectionOptions;
  if (name === undefined) return o;
  if (name === "") {
    o.checkServerIdentity = () => undefined;
    return o;
  }
  if (isIp(name)) o.checkServerIdentity = (_host, cert) => tls().checkServerIdentity(name, cert);
  else o.servername = name;
  return o;
}

/** Starts a TLS connection to `hostName`:`port`; the fd becomes writable once the handshake is done. */
export function connectTls(
  host: SocketHost,
  hostName: string,
  port: number,
  options: TlsOptions,
  client: TlsClientOptions,
): number {
  checkPermission({ name: "net", host: netTarget(hostName, port) }, "connect");
  const o = clientOptions(options, client.serverHostname ?? (isIp(hostName) ? undefined : hostName));
  const socket = tls().connect({ ...o, host: hostName, port } as Tls.ConnectionOptions);
  socket.setNoDelay(true);
  const sock = new TcpSocket(socket, true, host, "secureConnect");
  sock.readShared();
  host._track(sock);
  return host.fds.open(sock);
}

/**
 * Starts a TLS listener on `hostName`:`port`; its connections are handed out once their
 * handshake is done (one that takes longer than `handshakeTimeoutMs` is dropped).
 */
export function listenTls(
  host: SocketHost,
  hostName: string | null,
  port: number,
  backlog: number,
  options: TlsOptions,
  handshakeTimeoutMs?: number,
): number {
  checkPermission({ name: "net", host: netTarget(hostName, port) }, "listen");
  const server = tls().createServer({
    ...options,
    noDelay: true,
    handshakeTimeout: handshakeTimeoutMs,
  } as Tls.TlsOptions);
  server.on("tlsClientError", (_err: Error, s: Tls.TLSSocket) => s.destroy()); // that client only
  const listener = new TcpListener(server, host, "secureConnection");
  const o: Net.ListenOptions = { port, backlog };
  if (hostName !== null) o.host = hostName;
  server.listen(o);
  return host.fds.open(listener);
}

/**
 * Starts TLS on connected fd `fd` (client side, or server side with `serverSide`): a new fd that
 * becomes writable once the handshake is done; `fd` is closed without touching the connection.
 * -EBADF / -ENOTSOCK for a bad fd, -EINVAL when received bytes wait unread on it.
 */
export function upgradeTls(
  host: SocketHost,
  fd: number,
  options: TlsOptions,
  serverSide: boolean,
  client: TlsClientOptions,
): number {
  const res = host.fds.get(fd);
  if (!(res instanceof TcpSocket)) return res === undefined ? -ERRNO_BADF : -ERRNO_NOTSOCK;
  const raw = res.detach();
  if (raw === null) return -ERRNO_INVAL;
  host.fdClose(fd);
  let socket: Tls.TLSSocket;
  let event: string;
  if (serverSide) {
    socket = new (tls().TLSSocket)(raw, {
      ...options,
      isServer: true,
      secureContext: tls().createSecureContext(options as Tls.SecureContextOptions),
    } as Tls.TLSSocketOptions);
    event = "secure";
  } else {
    const name = client.serverHostname ?? res.peerName()?.address ?? "";
    socket = tls().connect({ ...clientOptions(options, name), socket: raw } as Tls.ConnectionOptions);
    event = "secureConnect";
  }
  const sock = new TcpSocket(socket, true, host, event);
  sock.inheritAddresses(res);
  host._track(sock);
  return host.fds.open(sock);
}

/** The TLSSocket behind `fd`, or null (a plain socket, or no socket). */
export function tlsSocketOf(host: SocketHost, fd: number): Tls.TLSSocket | null {
  const res = host.fds.get(fd);
  if (!(res instanceof TcpSocket)) return null;
  const s = res.socket as Tls.TLSSocket;
  return typeof s.getPeerCertificate === "function" ? s : null;
}

/** asyncio's "cipher" extra: [name, protocol version, secret bits] of a TLS socket. */
export function cipherInfo(s: Tls.TLSSocket): [string, string, number | null] | null {
  const c = s.getCipher();
  if (!c) return null;
  const m = /AES_?(\d+)|CHACHA20/.exec(c.standardName ?? c.name);
  const bits = m === null ? null : m[1] !== undefined ? Number(m[1]) : 256;
  return [c.standardName ?? c.name, c.version, bits];
}

/** The TLS details of `fd` for a transport's getExtraInfo, or null for a plain socket. */
export function tlsInfoOf(host: SocketHost, fd: number): TlsInfo | null {
  const s = tlsSocketOf(host, fd);
  if (s === null) return null;
  return {
    peercert: () => {
      const c = s.getPeerCertificate();
      return c && Object.keys(c).length > 0 ? c : null;
    },
    cipher: () => cipherInfo(s),
    sslObject: s,
  };
}
