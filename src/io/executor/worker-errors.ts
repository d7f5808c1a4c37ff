// Turning what a worker threw back into an exception on the loop's thread: an Error of the
// built-in class with that name (TypeError, RangeError, …) or a plain Error, carrying the worker's
// `name`, `message`, `stack`, extra own properties (`code`, `errno`, …) and `cause`. A missing Deno
// permission (NotCapable, PermissionDenied, a refused import) gets `code` "EACCES".

import { isDenoPermissionError } from "../../hosts/deno-permissions.js";
import { errnoFromCode } from "../../hosts/errno.js";
import type { ThrownData } from "./worker-source.js";

const BUILTIN: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The exception a job's failure surfaces as. */
export function reviveThrown(d: ThrownData): unknown {
  if (d.kind === "value") return d.value;
  const Ctor = Object.hasOwn(BUILTIN, d.name) ? BUILTIN[d.name] : Error;
  const e = new Ctor(d.message);
  if (e.name !== d.name) Object.defineProperty(e, "name", { value: d.name, writable: true, configurable: true });
  if (d.stack !== undefined) Object.defineProperty(e, "stack", { value: d.stack, writable: true, configurable: true });
  Object.assign(e, d.props);
  // A missing Deno permission in the job (its own message names the flag) gets Node's code.
  if (isDenoPermissionError(e)) Object.assign(e, { code: "EACCES", errno: errnoFromCode("EACCES") });
  if (d.cause !== undefined)
    Object.defineProperty(e, "cause", { value: reviveThrown(d.cause), writable: true, configurable: true });
  return e;
}
