// The errors streams throw for failed sockets: plain Errors carrying the errno name as `code`
// ("ECONNREFUSED", "ECONNRESET", …), the WASI errno number as `errno` and the failing call as
// `syscall`, with Node's message shape ("connect ECONNREFUSED 127.0.0.1:1").

import { errnoFromCode } from "../../hosts/errno.js";

/** An Error from a socket call. */
export interface SocketError extends Error {
  code: string;
  errno: number;
  syscall: string;
  address?: string;
  port?: number;
}

/** Makes the error for `syscall` failing with `code` (an errno name), optionally at an address. */
export function socketError(code: string, syscall: string, address?: string, port?: number): SocketError {
  const where = address === undefined ? "" : port === undefined ? ` ${address}` : ` ${formatHostPort(address, port)}`;
  const err = new Error(`${syscall} ${code}${where}`) as SocketError;
  err.code = code;
  err.errno = errnoFromCode(code);
  err.syscall = syscall;
  if (address !== undefined) err.address = address;
  if (port !== undefined) err.port = port;
  return err;
}

/** "127.0.0.1:80", "[::1]:80". */
export function formatHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
