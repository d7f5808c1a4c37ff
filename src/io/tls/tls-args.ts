// The TLS options of the connection calls (asyncio's ssl, server_hostname, ssl_handshake_timeout),
// checked eagerly: `ssl` is true (the runtime's CA store, full verification) or node:tls options;
// serverHostname and sslHandshakeTimeout mean something only with `ssl`.

import type { TlsOptions } from "../../hosts/tls-api.js";

/** asyncio's default: 60 s for a TLS handshake. */
export const SSL_HANDSHAKE_TIMEOUT_MS = 60_000;

export interface TlsCallOptions {
  /** true, or node:tls secure-context options (key, cert, ca, rejectUnauthorized, …). */
  ssl?: boolean | TlsOptions | null;
  /** The name the server's certificate must match (default: the host); "" skips the check. */
  serverHostname?: string | null;
  /** How long the handshake may take, ms (default 60,000). */
  sslHandshakeTimeout?: number | null;
}

export interface TlsArgs {
  options: TlsOptions;
  serverHostname: string | undefined;
  timeoutMs: number;
}

/** Null without TLS; else the checked options. `server`: no serverHostname allowed. */
export function tlsArgs(o: TlsCallOptions | undefined, server: boolean): TlsArgs | null {
  const ssl = o?.ssl;
  const name = o?.serverHostname;
  const timeout = o?.sslHandshakeTimeout;
  if (ssl === undefined || ssl === null || ssl === false) {
    if (name !== undefined && name !== null) throw new RangeError("serverHostname is only meaningful with ssl");
    if (timeout !== undefined && timeout !== null)
      throw new RangeError("sslHandshakeTimeout is only meaningful with ssl");
    return null;
  }
  if (ssl !== true && typeof ssl !== "object")
    throw new TypeError(`ssl must be true or an object of node:tls options, got ${typeof ssl}`);
  if (server && ssl === true) throw new TypeError("a TLS server needs ssl options with its key and certificate");
  if (server && name !== undefined && name !== null)
    throw new RangeError("serverHostname is only meaningful for a client");
  if (name !== undefined && name !== null && typeof name !== "string")
    throw new TypeError(`serverHostname must be a string, got ${typeof name}`);
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout !== "number")
      throw new TypeError(`sslHandshakeTimeout must be a number of ms, got ${typeof timeout}`);
    if (!(timeout > 0) || !Number.isFinite(timeout))
      throw new RangeError(`sslHandshakeTimeout must be a positive number of ms, got ${timeout}`);
  }
  return {
    options: ssl === true ? {} : ssl,
    serverHostname: name ?? undefined,
    timeoutMs: timeout ?? SSL_HANDSHAKE_TIMEOUT_MS,
  };
}
