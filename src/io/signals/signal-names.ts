// Signal names: which ones exist on this system and which ones a handler may be installed for.
// SIGKILL and SIGSTOP can never be caught; SIGSEGV, SIGBUS, SIGFPE and SIGILL mean the process is
// broken (no JavaScript can safely run after a real one), so wasio refuses them too.

import type * as NodeOs from "node:os";
import { describe } from "../../checks.js";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";

/** POSIX names, for runtimes that do not list their own (`os.constants.signals`). */
const POSIX = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGILL",
  "SIGTRAP",
  "SIGABRT",
  "SIGBUS",
  "SIGFPE",
  "SIGKILL",
  "SIGUSR1",
  "SIGSEGV",
  "SIGUSR2",
  "SIGPIPE",
  "SIGALRM",
  "SIGTERM",
  "SIGCHLD",
  "SIGCONT",
  "SIGSTOP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGVTALRM",
  "SIGPROF",
  "SIGWINCH",
  "SIGIO",
  "SIGSYS",
];
const UNCATCHABLE = new Set(["SIGKILL", "SIGSTOP"]);
const FAULTS = new Set(["SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL"]);

function isKnown(sig: string): boolean {
  const signals = nodeBuiltin<typeof NodeOs>("node:os")?.constants?.signals;
  return signals !== undefined ? Object.hasOwn(signals, sig) : POSIX.includes(sig);
}

/** Checks a signal name: TypeError if not a string, RangeError if unknown. */
export function checkSignalName(sig: unknown): asserts sig is string {
  if (typeof sig !== "string") throw new TypeError(`sig must be a signal name such as "SIGINT", got ${describe(sig)}`);
  if (!isKnown(sig)) throw new RangeError(`unknown signal ${JSON.stringify(sig)}`);
}

/** Checks that a handler may be installed for `sig`: a known name that can be caught. */
export function checkCatchableSignal(sig: unknown): asserts sig is string {
  checkSignalName(sig);
  if (UNCATCHABLE.has(sig)) throw new RangeError(`${sig} cannot be caught`);
  if (FAULTS.has(sig)) throw new RangeError(`${sig} reports a broken process; JavaScript cannot handle it safely`);
}
