// getnameinfo: the name and service of a socket address, off the loop's thread (asyncio's
// loop.getnameinfo). Node's dns.lookupService calls getnameinfo(3) on libuv's thread pool; the
// answer comes into the loop through `loop._soonThreadsafe` (the wake-up fd), as getaddrinfo's.
// NI_NUMERICHOST and NI_NUMERICSERV (both: no lookup at all) answer the numeric forms; errors are
// Node's (an Error with `code`, e.g. "ENOTFOUND").

import type * as NodeDns from "node:dns";
import { describe } from "../../checks.js";
import type * as NodeNet from "node:net";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Future } from "../../tasks/future.js";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";

/** getnameinfo flags (their Linux values, as Python's socket.NI_*). */
export const NI_NUMERICHOST = 0x1;
export const NI_NUMERICSERV = 0x2;
export const NI_NAMEREQD = 0x8;

/** Resolves `[address, port]` to `[host, service]`; the Future belongs to `loop`. */
export function loopGetnameinfo(loop: EventLoop, sockaddr: [string, number], flags = 0): Future<[string, string]> {
  if (!Array.isArray(sockaddr) || typeof sockaddr[0] !== "string" || typeof sockaddr[1] !== "number") {
    throw new TypeError(`sockaddr must be [address, port], got ${describe(sockaddr)}`);
  }
  const [address, port] = sockaddr;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`port must be an integer in [0, 65535], got ${port}`);
  if (typeof flags !== "number" || !Number.isInteger(flags) || flags < 0)
    throw new TypeError(`flags must be a non-negative integer, got ${String(flags)}`);
  const net = nodeBuiltin<typeof NodeNet>("node:net");
  if (net !== null && net.isIP(address) === 0)
    throw new RangeError(`sockaddr must hold an IP address, got ${JSON.stringify(address)}`);
  const fut = loop.createFuture<[string, string]>();
  const deliver = (error: unknown, host: string, service: string): void => {
    if (loop.isClosed()) return;
    loop._soonThreadsafe(settle, [
      fut,
      error,
      flags & NI_NUMERICHOST ? address : host,
      flags & NI_NUMERICSERV ? String(port) : service,
    ]);
  };
  if (flags & NI_NUMERICHOST && flags & NI_NUMERICSERV) {
    deliver(null, address, String(port));
    return fut;
  }
  const dns = nodeBuiltin<typeof NodeDns>("node:dns");
  if (dns === null) {
    deliver(
      Object.assign(new Error("getnameinfo is not available on this runtime (it needs node:dns)"), { code: "ENOSYS" }),
      "",
      "",
    );
    return fut;
  }
  dns.lookupService(address, port, (err, host, service) => {
    if (err === null && flags & NI_NAMEREQD && host === address) {
      deliver(
        Object.assign(new Error(`getnameinfo ENOTFOUND ${address}`), { code: "ENOTFOUND", syscall: "getnameinfo" }),
        "",
        "",
      );
      return;
    }
    deliver(err ?? null, host ?? address, service ?? String(port));
  });
  return fut;
}

function settle([fut, error, host, service]: [Future<[string, string]>, unknown, string, string]): void {
  if (fut.done()) return;
  if (error !== null) fut.setException(error);
  else fut.setResult([host, service]);
}
