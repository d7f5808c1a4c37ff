// How many more file descriptors this process may open, where the runtime lets us read it
// (Linux: the soft "Max open files" limit in /proc/self/limits, minus the entries of
// /proc/self/fd). A listener uses it to stop Node from accepting past the limit: libuv, out of
// fds, accepts and closes connections without telling anyone (its EMFILE trick), so clients would
// see a silent EOF; under the budget, Node drops the excess itself and says so ('drop'), which
// the listener turns into an EMFILE accept error the server reports.
//
// Limits: null where /proc is not readable (macOS, Windows, Deno without read permission); the
// count is a snapshot (other code may open fds meanwhile), hence a reserve kept free.

import type * as NodeFs from "node:fs";
import { nodeBuiltin } from "./node-modules.js";

/** Fds kept free for everything else the process does (files, outgoing sockets, the runtime). */
export const FD_RESERVE = 16;

let limit: number | null | undefined;

function softLimit(fs: typeof NodeFs): number | null {
  if (limit !== undefined) return limit;
  limit = null;
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync("/proc/self/limits", "utf8"));
    if (m !== null && m[1] !== "unlimited") limit = Number(m[1]);
  } catch {
    /* not Linux, or no permission */
  }
  return limit;
}

/** Fds this process may still open, or null when that cannot be known here. */
export function fdHeadroom(): number | null {
  const fs = nodeBuiltin<typeof NodeFs>("node:fs");
  if (fs === null) return null;
  const max = softLimit(fs);
  if (max === null) return null;
  try {
    return max - fs.readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}
