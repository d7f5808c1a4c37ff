// Deno's permissions, asked before wasio calls into Deno's Node layer. Without the permission,
// Deno's `node:net` throws from a later tick (for a listen) and kills the process, or reports a
// misleading errno (EIO, EPERM); asking first lets the caller raise a clear error inside the
// coroutine instead. Outside Deno every check passes.
//
// A permission in the "prompt" state is requested (Deno asks on a terminal, and refuses without
// one), exactly as Deno would do at the call itself.

interface DenoPermissions {
  querySync(desc: { name: string; host?: string }): { state: string };
  requestSync?(desc: { name: string; host?: string }): { state: string };
}

function denoPermissions(): DenoPermissions | null {
  const deno = (globalThis as { Deno?: { permissions?: DenoPermissions } }).Deno;
  return deno?.permissions !== undefined && typeof deno.permissions.querySync === "function" ? deno.permissions : null;
}

/**
 * Null when net access to `host` (a name or address, optionally ":port") is allowed or this is
 * not Deno; otherwise the flag that would allow it ("--allow-net=127.0.0.1").
 */
export function deniedNet(host: string): string | null {
  const perms = denoPermissions();
  if (perms === null) return null;
  const desc = { name: "net", host };
  let state: string;
  try {
    state = perms.querySync(desc).state;
    if (state === "prompt" && typeof perms.requestSync === "function") state = perms.requestSync(desc).state;
  } catch {
    return null; // a host Deno cannot parse: let the call itself report it
  }
  if (state === "granted") return null;
  const bare = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
  return `--allow-net=${bare}`;
}

/**
 * True for the errors Deno raises when a permission is missing: NotCapable, PermissionDenied, or
 * another error whose message asks for a flag (a module import refused for want of --allow-read).
 */
export function isDenoPermissionError(e: unknown): boolean {
  const { name, message } = (e ?? {}) as { name?: unknown; message?: unknown };
  if (name === "NotCapable" || name === "PermissionDenied") return true;
  return typeof message === "string" && /^Requires \w+ access to .*--allow-\w+/.test(message);
}
