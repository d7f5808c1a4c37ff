// Deno's permissions, asked before wasio calls into Deno's Node layer. Without the permission,
// Deno's `node:net` throws from a later tick (for a listen) and kills the process, or reports a
// misleading errno (EIO, EPERM); asking first lets the caller raise a clear error inside the
// coroutine instead. Outside Deno every check passes.
//
// A permission in the "prompt" state is requested (Deno asks on a terminal, and refuses without
// one), exactly as Deno would do at the call itself.

/** A Deno permission descriptor (the kinds wasio asks for). */
export type PermissionDescriptor =
  | { name: "net"; host?: string }
  | { name: "run"; command?: string }
  | { name: "read" | "write"; path?: string };

interface DenoPermissions {
  querySync(desc: PermissionDescriptor): { state: string };
  requestSync?(desc: PermissionDescriptor): { state: string };
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
  if (!isDenied({ name: "net", host })) return null;
  const bare = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
  return `--allow-net=${bare}`;
}

/** True when Deno refuses `desc` (asking first when it is in the "prompt" state); false outside Deno. */
export function isDenied(desc: PermissionDescriptor): boolean {
  const perms = denoPermissions();
  if (perms === null) return false;
  let state: string;
  try {
    state = perms.querySync(desc).state;
    if (state === "prompt" && typeof perms.requestSync === "function") state = perms.requestSync(desc).state;
  } catch {
    return false; // a descriptor Deno cannot parse: let the call itself report it
  }
  return state !== "granted";
}

/**
 * Throws when Deno refuses `desc`: an Error with `code` "EACCES", `syscall` and the `flag` that
 * would allow it, thrown by the host call itself (so inside the coroutine that made it).
 */
export function checkPermission(desc: PermissionDescriptor, syscall: string): void {
  if (!isDenied(desc)) return;
  const target = desc.name === "net" ? desc.host : desc.name === "run" ? desc.command : desc.path;
  const flag = `--allow-${desc.name}`;
  const err = new Error(
    `${syscall} EACCES${target ? ` ${target}` : ""}: Deno denies ${desc.name} access; run with ${flag}`,
  ) as Error & { code: string; syscall: string; flag: string };
  err.code = "EACCES";
  err.syscall = syscall;
  err.flag = flag;
  throw err;
}

/** Deno's net permission host for an address and port ("127.0.0.1:80", "[::1]:80"; null: every interface). */
export function netTarget(host: string | null, port: number): string {
  const h = host ?? "0.0.0.0";
  return h.includes(":") ? `[${h}]:${port}` : `${h}:${port}`;
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
