// Deno's permissions, asked before a host call that needs one. Some of Deno's node: modules throw
// a missing permission from a later tick (listen, dgram bind), where no coroutine can catch it;
// asking first turns it into an Error thrown by the call itself, inside the coroutine that made
// it, with `code` "EACCES" and the flag to add. A permission in the "prompt" state is requested
// (an interactive terminal asks the user; elsewhere Deno answers "denied"). Elsewhere than Deno
// this does nothing.

type Descriptor = { name: "net"; host?: string } | { name: "run"; command?: string } | { name: "read" | "write"; path: string };

interface DenoPermissions {
  querySync(d: Descriptor): { state: string };
  requestSync?(d: Descriptor): { state: string };
}

/** Throws when Deno refuses `desc`; `what` names the call in the message. */
export function checkPermission(desc: Descriptor, what: string): void {
  const perms = (globalThis as { Deno?: { permissions?: DenoPermissions } }).Deno?.permissions;
  if (perms === undefined || typeof perms.querySync !== "function") return;
  let state = perms.querySync(desc).state;
  if (state === "prompt" && typeof perms.requestSync === "function") state = perms.requestSync(desc).state;
  if (state === "granted") return;
  const target = desc.name === "net" ? desc.host : desc.name === "run" ? desc.command : desc.path;
  const err = new Error(`${what}: Deno denies ${desc.name} access${target ? ` to ${target}` : ""} (run with --allow-${desc.name})`) as Error & { code: string; syscall: string };
  err.code = "EACCES";
  err.syscall = what;
  throw err;
}

/** Deno's net permission host for an address and port ("127.0.0.1:80", "[::1]:80"; null: every interface). */
export function netTarget(host: string | null, port: number): string {
  const h = host ?? "0.0.0.0";
  return h.includes(":") ? `[${h}]:${port}` : `${h}:${port}`;
}
