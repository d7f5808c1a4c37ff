// What `run()` does with SIGINT (Ctrl-C), as asyncio.run does since Python 3.11:
//   - the first SIGINT cancels the main task (its coroutine sees CancelledError where it waits and
//     may clean up), and gives SIGINT back its default behaviour, so a second Ctrl-C ends the
//     process at once;
//   - when the main task then ends by that cancellation, run() throws KeyboardInterrupt instead of
//     CancelledError (if main swallows the cancellation and returns, run() returns normally).
// It applies only while nothing else listens for SIGINT: installed only if no listener exists when
// run() starts, and it stands aside while another one (a handler from `addSignalHandler`, say) is
// present — as asyncio.run leaves a custom SIGINT handler alone. Only for hosts that take signals
// (see signal-process.ts).

import { CancelledError } from "../../errors.js";
import type { EventLoop } from "../../loop/event-loop.js";
import type { Task } from "../../tasks/task.js";
import { KeyboardInterrupt } from "./keyboard-interrupt.js";
import { signalProcessFor } from "./signal-process.js";

/** @internal run()'s SIGINT watch over its main task. */
export interface MainInterrupt {
  /** The error run() should throw instead of `error` (KeyboardInterrupt, or `error` itself). */
  translate(error: unknown): unknown;
  /** Stops watching (run() calls it when the main task is done). */
  dispose(): void;
}

/** @internal Makes SIGINT cancel `main`; null when the host takes no signals or SIGINT is handled already. */
export function interruptMainOnSigint(loop: EventLoop, main: Task<unknown>): MainInterrupt | null {
  const proc = signalProcessFor(loop);
  if (proc === null || proc.listenerCount("SIGINT") > 0) return null;
  let interrupted = false;
  const listener = (): void => {
    if (proc.listenerCount("SIGINT") > 1) return; // someone else handles SIGINT now
    interrupted = true;
    proc.off("SIGINT", listener);
    loop._soonThreadsafe(cancelMain, main);
  };
  proc.on("SIGINT", listener);
  return {
    translate(error) {
      if (interrupted && error instanceof CancelledError && main.uncancel() === 0) return new KeyboardInterrupt();
      return error;
    },
    dispose() {
      proc.off("SIGINT", listener);
    },
  };
}

function cancelMain(main: Task<unknown>): void {
  if (!main.done()) main.cancel();
}
