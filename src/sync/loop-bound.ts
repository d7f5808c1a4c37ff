// LoopBound: which event loop a primitive belongs to (asyncio's _LoopBoundMixin, made stricter).
//
// Owns: the rule "a primitive belongs to the loop it is first used on". Every operation run
// inside a loop checks the running loop against the bound one (a single comparison on the fast
// path); the first such operation binds it, and using it later from another loop throws at once.
// Operations outside any running loop (a `putNowait` before `run()`, say) neither bind nor
// throw, as asyncio allows.
//
// Limits: asyncio binds only when a primitive first has to wait, so a lock that was only ever
// taken uncontended can move between loops there; here it cannot. A primitive is never unbound:
// after its loop is closed, make a new one.

import type { EventLoop } from "../loop/event-loop.js";
import { _getRunningLoop, getRunningLoop } from "../loop/running.js";

export class LoopBound {
  /**
   * @internal The loop this primitive belongs to, once it has been used on one. Set by the
   * constructor, not an initializer, so that the subclasses' constructors inline this one.
   */
  declare _loop: EventLoop | null;

  constructor() {
    this._loop = null;
  }

  /** @internal Binds to the running loop (if any) on first use; throws when bound to another. */
  _checkLoop(): void {
    const running = _getRunningLoop();
    if (running !== this._loop && running !== null) this._bind(running);
  }

  /** @internal The running loop, for making a Future; throws outside a loop or on a foreign one. */
  _getLoop(): EventLoop {
    const running = getRunningLoop();
    if (running !== this._loop) this._bind(running);
    return running;
  }

  /** @internal */
  _bind(running: EventLoop): void {
    if (this._loop !== null) {
      throw new Error(
        `${this} is bound to a different event loop (primitives belong to the loop they are first used on)`,
      );
    }
    this._loop = running;
  }
}
