// getaddrinfo: name resolution off the loop's thread (asyncio's loop.getaddrinfo).
//
// The system resolver blocks, so asyncio runs it on a thread. On Node and Deno, `dns.lookup`
// already does exactly that (libuv's thread pool calls getaddrinfo(3)), so wasio asks it for all
// addresses and brings the answer into the loop through `loop._soonThreadsafe` (the wake-up fd).
// Cancelling the Future drops the answer; the lookup itself cannot be stopped.
//
// Shapes (asyncio's 5-tuples as objects, Node's words where it has them):
//   AddrInfo   { family: 4 | 6, type: "stream" | "dgram", proto: "tcp" | "udp", canonname, address, port }
//   family     as dns.lookup: 4 or 6 (0 / omitted in the options: either);
//   type/proto one entry per address and socket type, as getaddrinfo(3) gives with no socket type
//              (stream/tcp, then dgram/udp); ask for one with `type` or `proto`;
//   canonname  always "" — dns.lookup does not report the canonical name (AI_CANONNAME is accepted
//              and has no effect);
//   flags      AI_ADDRCONFIG, AI_V4MAPPED, AI_ALL go to the resolver; AI_NUMERICHOST refuses names
//              that are not IP literals; AI_PASSIVE makes a null host the wildcard address instead
//              of loopback; AI_NUMERICSERV is accepted (ports are always numeric here).
//   errors     Node's: an Error with `code` ("ENOTFOUND" for a name that does not exist,
//              "EAI_AGAIN" when the resolver cannot be reached, …), `errno`, `syscall`
//              ("getaddrinfo") and `hostname`. Names under ".invalid" fail at once with
//              ENOTFOUND without asking the resolver (RFC 6761 §6.4).

import type * as NodeDns from "node:dns";
import type * as NodeNet from "node:net";
import type { EventLoop } from "../../loop/event-loop.js";
import { getRunningLoop } from "../../loop/running.js";
import { describe } from "../../checks.js";
import { checkPort } from "../../hosts/socket-api.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import type { Future } from "../../tasks/future.js";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";
import { deniedNet } from "../../hosts/deno-permissions.js";
import { permissionError } from "../permission-error.js";

/** One address a name resolves to, with the socket type and protocol to reach it. */
export interface AddrInfo {
  /** 4 (IPv4) or 6 (IPv6), as dns.lookup. */
  family: 4 | 6;
  type: "stream" | "dgram";
  proto: "tcp" | "udp";
  /** The canonical name: always "" (dns.lookup does not report it). */
  canonname: string;
  address: string;
  port: number;
}

export interface GetaddrinfoOptions {
  /** 4 / "IPv4", 6 / "IPv6", or 0 (default): either. */
  family?: 0 | 4 | 6 | "IPv4" | "IPv6";
  /** Only this socket type (default: both). */
  type?: "stream" | "dgram" | null;
  /** Only this protocol (default: both). */
  proto?: "tcp" | "udp" | null;
  /** A bitwise OR of the AI_* constants. */
  flags?: number;
}

/** getaddrinfo flags (their Linux values, as Python's socket.AI_*). */
export const AI_PASSIVE = 0x1;
export const AI_CANONNAME = 0x2;
export const AI_NUMERICHOST = 0x4;
export const AI_V4MAPPED = 0x8;
export const AI_ALL = 0x10;
export const AI_ADDRCONFIG = 0x20;
export const AI_NUMERICSERV = 0x400;
const ALL_FLAGS = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV;

/** A host that answers lookups itself (the VirtualHost's simulated DNS). */
interface SimulatedDns {
  _lookup(name: string, family: 0 | 4 | 6): { error: string | null; addresses: { address: string; family: number }[] };
}

const SOCKET_KINDS = [
  ["stream", "tcp"],
  ["dgram", "udp"],
] as const;

interface Request {
  host: string | null;
  port: number;
  family: 0 | 4 | 6;
  kinds: readonly (readonly ["stream", "tcp"] | readonly ["dgram", "udp"])[];
  flags: number;
}

/**
 * Resolves `host` (null: the loopback address, or the wildcard with AI_PASSIVE) and `port` to a
 * list of addresses, off the loop's thread; the Future belongs to `loop` (`loop.getaddrinfo`).
 */
export function loopGetaddrinfo(
  loop: EventLoop,
  host: string | null,
  port?: number | string | null,
  options?: GetaddrinfoOptions,
): Future<AddrInfo[]> {
  const req = checkRequest(host, port, options);
  const fut = loop.createFuture<AddrInfo[]>();
  const deliver = (error: unknown, addresses: readonly { address: string; family: number }[]): void => {
    if (!loop.isClosed()) loop._soonThreadsafe(settle, [fut, error, error === null ? entries(req, addresses) : null]);
  };
  if (req.host === null) {
    deliver(null, nullHostAddresses(req));
  } else if (isInvalidTld(req.host)) {
    deliver(lookupError("ENOTFOUND", req.host), []);
  } else if ((req.flags & AI_NUMERICHOST) !== 0 && ipVersion(req.host) === 0) {
    deliver(lookupError("ENOTFOUND", req.host), []);
  } else if (typeof (loop.host as Partial<SimulatedDns> as SimulatedDns)._lookup === "function") {
    const answer = (loop.host as Partial<SimulatedDns> as SimulatedDns)._lookup(req.host, req.family);
    deliver(answer.error === null ? null : lookupError(answer.error, req.host), answer.addresses);
  } else {
    const dns = nodeBuiltin<typeof NodeDns>("node:dns");
    const denied = dns === null ? null : deniedNet(req.host);
    if (dns === null) {
      deliver(
        Object.assign(
          new Error(
            "getaddrinfo is not available in this runtime: it needs node:dns (Node or Deno); a browser has no DNS resolver",
          ),
          { code: "ENOSYS" },
        ),
        [],
      );
    } else if (denied !== null) {
      deliver(permissionError("getaddrinfo", req.host, denied), []);
    } else {
      let hints = 0;
      if (req.flags & AI_ADDRCONFIG) hints |= dns.ADDRCONFIG;
      if (req.flags & AI_V4MAPPED) hints |= dns.V4MAPPED;
      if (req.flags & AI_ALL) hints |= dns.ALL;
      dns.lookup(req.host, { all: true, family: req.family, hints }, (err, addresses) =>
        deliver(err ?? null, addresses ?? []),
      );
    }
  }
  return fut;
}

/** getaddrinfo on the running loop (asyncio's `await loop.getaddrinfo(...)`), as a coroutine. */
export function getaddrinfo(
  host: string | null,
  port?: number | string | null,
  options?: GetaddrinfoOptions,
): Coroutine<AddrInfo[]> {
  checkRequest(host, port, options);
  return awaitLookup(host, port, options);
}

function* awaitLookup(
  host: string | null,
  port?: number | string | null,
  options?: GetaddrinfoOptions,
): Coroutine<AddrInfo[]> {
  return yield* loopGetaddrinfo(getRunningLoop(), host, port, options);
}

function settle([fut, error, list]: [Future<AddrInfo[]>, unknown, AddrInfo[] | null]): void {
  if (fut.done()) return;
  if (error !== null) fut.setException(error);
  else fut.setResult(list!);
}

function entries(req: Request, addresses: readonly { address: string; family: number }[]): AddrInfo[] {
  const out: AddrInfo[] = [];
  const seen = new Set<string>();
  for (const a of addresses) {
    if (seen.has(a.address)) continue;
    seen.add(a.address);
    const family = a.family === 6 ? 6 : 4;
    for (const [type, proto] of req.kinds)
      out.push({ family, type, proto, canonname: "", address: a.address, port: req.port });
  }
  return out;
}

function nullHostAddresses(req: Request): { address: string; family: number }[] {
  const passive = (req.flags & AI_PASSIVE) !== 0;
  const v6 = { address: passive ? "::" : "::1", family: 6 };
  const v4 = { address: passive ? "0.0.0.0" : "127.0.0.1", family: 4 };
  return req.family === 4 ? [v4] : req.family === 6 ? [v6] : [v6, v4];
}

function isInvalidTld(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h === "invalid" || h.endsWith(".invalid");
}

/** 4 or 6 for an IP literal, 0 otherwise. */
function ipVersion(host: string): number {
  const net = nodeBuiltin<typeof NodeNet>("node:net");
  if (net !== null) return net.isIP(host);
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(host)) return host.split(".").every((p) => +p <= 255) ? 4 : 0;
  return /^[0-9a-fA-F:.]+$/.test(host) && host.includes(":") ? 6 : 0;
}

/** An error shaped like Node's dns.lookup errors. */
function lookupError(code: string, hostname: string): Error {
  const errno = code === "ENOTFOUND" ? -3008 : undefined;
  return Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, errno, syscall: "getaddrinfo", hostname });
}

function checkRequest(host: unknown, port: unknown, options: GetaddrinfoOptions | undefined): Request {
  if (host !== null && host !== undefined && typeof host !== "string")
    throw new TypeError(`host must be a string or null, got ${describe(host)}`);
  const o = options === undefined ? {} : options;
  if (o === null || typeof o !== "object") throw new TypeError(`options must be an object, got ${describe(options)}`);
  return {
    host: host === undefined || host === null || host === "" ? null : host,
    port: portOf(port),
    family: checkFamily(o.family),
    kinds: checkKinds(o.type, o.proto),
    flags: checkFlags(o.flags),
  };
}

function portOf(port: unknown): number {
  if (port === undefined || port === null) return 0;
  let n: number;
  if (typeof port === "number") n = port;
  else if (typeof port === "string" && /^\d+$/.test(port)) n = Number(port);
  else
    throw new TypeError(
      `port must be a number or a numeric string, got ${describe(port)} (service names are not supported)`,
    );
  checkPort(n, port);
  return n;
}

function checkFamily(family: unknown): 0 | 4 | 6 {
  switch (family) {
    case undefined:
    case null:
    case 0:
      return 0;
    case 4:
    case "IPv4":
      return 4;
    case 6:
    case "IPv6":
      return 6;
  }
  if (typeof family !== "number" && typeof family !== "string")
    throw new TypeError(`family must be 0, 4, 6, "IPv4" or "IPv6", got ${describe(family)}`);
  throw new RangeError(`family must be 0, 4, 6, "IPv4" or "IPv6", got ${JSON.stringify(family)}`);
}

function checkKinds(type: unknown, proto: unknown): Request["kinds"] {
  if (type !== undefined && type !== null && type !== 0 && type !== "stream" && type !== "dgram") {
    throw typeof type === "string"
      ? new RangeError(`type must be "stream" or "dgram", got ${JSON.stringify(type)}`)
      : new TypeError(`type must be "stream" or "dgram", got ${describe(type)}`);
  }
  if (proto !== undefined && proto !== null && proto !== 0 && proto !== "tcp" && proto !== "udp") {
    throw typeof proto === "string"
      ? new RangeError(`proto must be "tcp" or "udp", got ${JSON.stringify(proto)}`)
      : new TypeError(`proto must be "tcp" or "udp", got ${describe(proto)}`);
  }
  const kinds = SOCKET_KINDS.filter(([t, p]) => (!type || t === type) && (!proto || p === proto));
  if (kinds.length === 0)
    throw new RangeError(`socket type ${JSON.stringify(type)} does not go with protocol ${JSON.stringify(proto)}`);
  return kinds;
}

function checkFlags(flags: unknown): number {
  if (flags === undefined || flags === null) return 0;
  if (typeof flags !== "number") throw new TypeError(`flags must be a number (AI_* constants), got ${describe(flags)}`);
  if (!Number.isInteger(flags) || flags < 0 || (flags & ~ALL_FLAGS) !== 0)
    throw new RangeError(`flags has unknown bits: 0x${flags.toString(16)}`);
  return flags;
}
