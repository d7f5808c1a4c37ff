// Constructors that users do not call directly (transports, Process) still check their
// arguments, so a wrong call fails with a TypeError that says which function makes the object.

import { checkLoopArg } from "../../checks.js";

/** Throws a TypeError naming `maker` unless `loop` is an EventLoop and each check holds. */
export function checkMadeBy(maker: string, loop: unknown, ...checks: boolean[]): void {
  if (loop === undefined || checks.some((ok) => !ok))
    throw new TypeError(`use ${maker}: this object is not made directly`);
  checkLoopArg(loop);
}
