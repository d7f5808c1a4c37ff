// The Happy Eyeballs options of openConnection and createConnection (asyncio's
// happy_eyeballs_delay and interleave), checked eagerly, as the plan the connect follows
// (io/sock/happy-eyeballs-connect.ts): with either option the name is resolved on the loop and its
// addresses raced; interleave defaults to 1 once a delay is given, and 0 keeps the resolver's order.
// With neither, the host connects by name itself.

import type { HappyEyeballsPlan } from "../sock/happy-eyeballs-connect.js";

export interface HappyEyeballsOptions {
  /** ms to wait for one address before also trying the next (RFC 8305 recommends 250). */
  happyEyeballsDelay?: number | null;
  /** How addresses of the two families are interleaved (default 1 with a delay). */
  interleave?: number | null;
}

/** The race to run for these, or undefined when neither was asked for. */
export function happyEyeballs(o: HappyEyeballsOptions | undefined): HappyEyeballsPlan | undefined {
  const delay = o?.happyEyeballsDelay;
  const interleave = o?.interleave;
  if (interleave !== undefined && interleave !== null) {
    if (typeof interleave !== "number")
      throw new TypeError(`interleave must be a non-negative integer, got ${typeof interleave}`);
    if (!Number.isInteger(interleave) || interleave < 0)
      throw new RangeError(`interleave must be a non-negative integer, got ${interleave}`);
  }
  if (delay === undefined || delay === null)
    return interleave === undefined || interleave === null || interleave === 0
      ? undefined
      : { delay: null, interleave };
  if (typeof delay !== "number") throw new TypeError(`happyEyeballsDelay must be a number of ms, got ${typeof delay}`);
  if (!(delay >= 0) || !Number.isFinite(delay))
    throw new RangeError(`happyEyeballsDelay must be a non-negative number of ms, got ${delay}`);
  return { delay, interleave: interleave ?? 1 };
}
