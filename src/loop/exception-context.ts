// What an exception handler receives (asyncio's "context" dict), and the default handler's way
// of printing it.

import { safeString } from "../errors.js";
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

/**
 * Formats a context the way the default exception handler prints it. Never throws: a value that
 * cannot be printed (no prototype, a throwing `toString` or `stack` getter, a hostile Proxy) is
 * described by its type instead, as asyncio's logging falls back to a repr.
 */
export function formatContext(ctx: ExceptionContext): string {
  const lines = [safeString(safeGet(ctx, "message"))];
  let keys: string[] = [];
  try {
    keys = Object.keys(ctx);
  } catch {
    lines.push("<context keys unreadable>");
  }
  for (const key of keys) {
    if (key === "message" || key === "exception") continue;
    lines.push(`${key}: ${safeString(safeGet(ctx, key))}`);
  }
  const exception = safeGet(ctx, "exception");
  if (exception !== undefined) {
    const stack =
      typeof exception === "object" && exception !== null ? safeGet(exception, "stack", undefined) : undefined;
    lines.push(typeof stack === "string" && stack !== "" ? stack : safeString(exception));
  }
  return lines.join("\n");
}

function safeGet(obj: unknown, key: string, unreadable: unknown = "<unreadable>"): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return unreadable;
  }
}
