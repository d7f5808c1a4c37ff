// Connecting by name the way asyncio's create_connection does with happy_eyeballs_delay or
// interleave: the name is resolved on the loop (getaddrinfo, stream sockets), the addresses are
// put in Happy Eyeballs order (interleaveAddrinfos), and staggeredRace connects to them: the next
// address is tried when the one tried last is refused, or `delay` ms after it began (null: only
// when it failed). The first connected fd wins; the other attempts are cancelled and their fds
// closed. When every attempt fails, the error is asyncio's: the only one, or the first when all
// say the same, else one Error "Multiple exceptions: …" with every failure in `errors` and the
// first one's `code`.

import type { SocketHostApi } from "../../hosts/socket-api.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Coroutine } from "../../tasks/coroutine.js";
import { staggeredRace } from "../../tasks/staggered-race.js";
import { loopGetaddrinfo, type AddrInfo } from "../dns/getaddrinfo.js";
import { interleaveAddrinfos } from "../dns/interleave-addrinfos.js";
import { settledFd } from "../transports/connect-fd.js";

/** How to race: `delay` between attempts (null: one after another), `interleave` (0: resolver order). */
export interface HappyEyeballsPlan {
  delay: number | null;
  interleave: number;
}

/** A connected fd of `sockets` to `host`:`port`, raced over its addresses by `plan`. */
export function* happyEyeballsFd(
  loop: EventLoop,
  sockets: SocketHostApi,
  host: string,
  port: number,
  plan: HappyEyeballsPlan,
): Coroutine<number> {
  const infos = yield* loopGetaddrinfo(loop, host, port, { type: "stream" });
  if (infos.length === 0)
    throw Object.assign(new Error(`getaddrinfo() returned no address for ${host}`), { code: "ENOTFOUND" });
  const ordered = plan.interleave > 0 ? interleaveAddrinfos(infos, plan.interleave) : infos;
  let won = false;
  function* attempt(info: AddrInfo): Coroutine<number> {
    const fd = yield* settledFd(loop, sockets, sockets.connect(info.address, port), "connect", info.address, port);
    if (won) {
      sockets.fdClose(fd); // a second success in the same pass: the first one stays
      throw new Error("another address connected first");
    }
    won = true;
    return fd;
  }
  const [fd, , errors] = yield* staggeredRace(
    ordered.map((info) => () => attempt(info)),
    plan.delay,
  );
  if (fd !== null) return fd;
  throw connectFailure(errors.filter((e) => e !== null));
}

/** asyncio's choice of the error to raise when every address failed. */
function connectFailure(errors: unknown[]): unknown {
  if (errors.length === 1) return errors[0];
  const text = errors.map(String);
  if (text.every((t) => t === text[0])) return errors[0];
  const err = new Error(`Multiple exceptions: ${errors.map((e) => (e as Error)?.message ?? String(e)).join(", ")}`);
  return Object.assign(err, { code: (errors[0] as { code?: string })?.code, errors });
}
