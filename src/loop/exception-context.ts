// What an exception handler receives (asyncio's "context" dict), and the default handler's way
// of printing it.

import type { Handle } from "./handle.js";

export interface ExceptionContext {
  message: string;
  exception?: unknown;
  /** A Future (or Task) involved, when known. */
  future?: unknown;
  /** The Task involved, when known. */
  task?: unknown;
  handle?: Handle;
  [key: string]: unknown;
}

/** Formats a context the way the default exception handler prints it. */
export function formatContext(ctx: ExceptionContext): string {
  const lines = [ctx.message];
  for (const key of Object.keys(ctx)) {
    if (key === "message" || key === "exception") continue;
    lines.push(`${key}: ${String(ctx[key])}`);
  }
  if (ctx.exception !== undefined) {
    const e = ctx.exception as { stack?: string };
    lines.push(typeof e === "object" && e !== null && e.stack ? e.stack : String(ctx.exception));
  }
  return lines.join("\n");
}
