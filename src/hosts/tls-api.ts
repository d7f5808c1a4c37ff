// The TLS options a host takes, host-neutral: node:tls's secure-context and connection options
// by name (a host on another TLS stack maps them). The node host implements TLS in node/tls-socket.ts.

/** PEM text or its bytes. */
export type Pem = string | Uint8Array;

/**
 * node:tls's secure-context and connection options: the common ones typed here (PEM text or
 * bytes), any other node:tls option passed through as given.
 */
export interface TlsOptions {
  key?: Pem | Pem[];
  cert?: Pem | Pem[];
  ca?: Pem | Pem[];
  pfx?: Pem | Pem[];
  passphrase?: string;
  ciphers?: string;
  minVersion?: string;
  maxVersion?: string;
  /** Verify the peer's certificate (default true for clients). */
  rejectUnauthorized?: boolean;
  /** A server asks clients for a certificate. */
  requestCert?: boolean;
  ALPNProtocols?: string[];
  [option: string]: unknown;
}
