// What names a unit of work for a worker: functions cannot cross threads in JavaScript, so a job
// is "the export `exportName` of the module at `moduleUrl`", called with arguments that cross by
// structured clone. The module URL is resolved here, on the loop's thread, so that every worker
// (whatever its own base URL) imports the same module:
//
//   - a URL object, or a string with a scheme ("file:", "data:", "https:", "node:", "npm:", …):
//     used as is — `new URL("./work.js", import.meta.url)` is the usual way to name a sibling;
//   - an absolute path ("/srv/app/work.js", "C:\\app\\work.js"): its file: URL;
//   - "./…" or "../…": resolved against the current working directory (as Node's Worker does
//     with a path), or against the page's URL in a browser;
//   - anything else (a bare package name): passed through; Node resolves it as from a script in
//     the current working directory (Deno wants "npm:" or "jsr:" specifiers).

import type * as NodeUrl from "node:url";
import type * as NodePath from "node:path";
import { describe } from "../../checks.js";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";

/** The type of a job's function, for `runInExecutor<F>` and `toThread<F>` to check arguments and result. */
export type JobFunction = (...args: any[]) => unknown;

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/; // two letters at least: "C:" is a drive
const WINDOWS_ABSOLUTE = /^([a-zA-Z]:[\\/]|\\\\)/;

/** The URL (as a string) a worker imports for `moduleUrl`; throws TypeError for a non-string. */
export function resolveModuleUrl(moduleUrl: unknown): string {
  if (moduleUrl instanceof URL) return moduleUrl.href;
  if (typeof moduleUrl !== "string")
    throw new TypeError(`moduleUrl must be a string or a URL, got ${describe(moduleUrl)}`);
  if (moduleUrl === "") throw new TypeError("moduleUrl must not be empty");
  if (SCHEME.test(moduleUrl)) return moduleUrl;
  const isRelative = moduleUrl.startsWith("./") || moduleUrl.startsWith("../");
  const isAbsolute = moduleUrl.startsWith("/") || WINDOWS_ABSOLUTE.test(moduleUrl);
  if (!isRelative && !isAbsolute) return moduleUrl;
  const url = nodeBuiltin<typeof NodeUrl>("node:url");
  const path = nodeBuiltin<typeof NodePath>("node:path");
  if (url !== null && path !== null) return url.pathToFileURL(path.resolve(moduleUrl)).href;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  if (base === undefined)
    throw new TypeError(`cannot resolve the path ${JSON.stringify(moduleUrl)} on this runtime: pass a URL`);
  return new URL(moduleUrl, base).href;
}

/** Checks a job's export name: a non-empty string. */
export function checkExportName(exportName: unknown): asserts exportName is string {
  if (typeof exportName !== "string") throw new TypeError(`exportName must be a string, got ${describe(exportName)}`);
  if (exportName === "") throw new TypeError("exportName must not be empty");
}
