// The Happy Eyeballs options of openConnection and createConnection (asyncio's
// happy_eyeballs_delay and interleave), checked eagerly. The host connects with Node's
// autoSelectFamily, which alternates address families one by one: interleave 1 (asyncio's default
// once a delay is given); 0 keeps the resolver's order only when no delay is given, and a larger
// interleave is treated as 1.

import type { ConnectOptions } from "../../hosts/socket-api.js";

export interface HappyEyeballsOptions {
  /** ms to wait for one address before also trying the next (RFC 8305 recommends 250). */
  happyEyeballsDelay?: number | null;
  /** How addresses of the two families are interleaved (default 1 with a delay). */
  interleave?: number | null;
}

/** The host's connect options for these, or undefined when none were asked for. */
export function happyEyeballs(o: HappyEyeballsOptions | undefined): ConnectOptions | undefined {
  const delay = o?.happyEyeballsDelay;
  const interleave = o?.interleave;
  if (interleave !== undefined && interleave !== null) {
    if (typeof interleave !== "number")
      throw new TypeError(`interleave must be a non-negative integer, got ${typeof interleave}`);
    if (!Number.isInteger(interleave) || interleave < 0)
      throw new RangeError(`interleave must be a non-negative integer, got ${interleave}`);
  }
  if (delay === undefined || delay === null) return undefined;
  if (typeof delay !== "number") throw new TypeError(`happyEyeballsDelay must be a number of ms, got ${typeof delay}`);
  if (!(delay >= 0) || !Number.isFinite(delay))
    throw new RangeError(`happyEyeballsDelay must be a non-negative number of ms, got ${delay}`);
  return { happyEyeballsDelay: delay };
}
