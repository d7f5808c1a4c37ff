// The error for an operation the runtime's permissions forbid (Deno run without the flag): a
// plain Error shaped like the socket and DNS errors, with `code` "EACCES", the WASI errno, the
// `syscall`, and a message naming the flag that allows it.

import { deniedNet } from "../hosts/deno-permissions.js";
import { errnoFromCode } from "../hosts/errno.js";

/** An operation refused by the runtime's permissions. */
export interface PermissionDeniedError extends Error {
  code: "EACCES";
  errno: number;
  syscall: string;
  /** The flag that would allow it ("--allow-net=127.0.0.1"). */
  flag: string;
}

/** Makes the error for `syscall` on `target` refused until the runtime is given `flag`. */
export function permissionError(syscall: string, target: string, flag: string): PermissionDeniedError {
  const err = new Error(
    `${syscall} EACCES ${target}: Deno denies net access; run with ${flag} (or --allow-net)`,
  ) as PermissionDeniedError;
  err.code = "EACCES";
  err.errno = errnoFromCode("EACCES");
  err.syscall = syscall;
  err.flag = flag;
  return err;
}

/** Throws a PermissionDeniedError when the runtime denies net access to `target` ("host:port"). */
export function checkNetPermission(syscall: string, target: string): void {
  const flag = deniedNet(target);
  if (flag !== null) throw permissionError(syscall, target, flag);
}
