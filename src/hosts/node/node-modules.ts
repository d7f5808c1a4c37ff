// Node's built-in modules, loaded lazily and synchronously with `process.getBuiltinModule`
// (Node ≥ 20.16, Deno 2). Nothing here is imported statically, so the bundle still loads in a
// browser; there, `nodeBuiltin` answers null and the first socket call fails with a clear error.
// The io layer (executors, DNS, signals) loads its modules through `nodeBuiltin` too.

import type * as Net from "node:net";
import type * as NodeBuffer from "node:buffer";
import type * as Stream from "node:stream";

let net: typeof Net | null = null;
let bufferCtor: typeof NodeBuffer.Buffer | null = null;

/** The built-in module `name` ("node:os", …), or null on a runtime without Node's modules. */
export function nodeBuiltin<T>(name: string): T | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc === undefined || typeof proc.getBuiltinModule !== "function") return null;
  return (proc.getBuiltinModule(name) as T | undefined) ?? null;
}

/** The `node:net` module; throws an Error (`code` "ENOSYS") saying why when this runtime has none. */
export function nodeNet(): typeof Net {
  if (net !== null) return net;
  const mod = nodeBuiltin<typeof Net>("node:net");
  if (mod === null || typeof mod.connect !== "function") {
    throw Object.assign(
      new Error(
        'sockets are not available in this runtime (a browser has none): wasio\'s socket host needs process.getBuiltinModule("node:net") (Node ≥ 20.16 or Deno ≥ 2)',
      ),
      { code: "ENOSYS" },
    );
  }
  return (net = mod);
}

/** Node's Buffer (small copies come from its shared pool: no ArrayBuffer per copy). */
export function nodeBuffer(): typeof NodeBuffer.Buffer {
  if (bufferCtor !== null) return bufferCtor;
  nodeNet(); // same availability, same error
  return (bufferCtor = nodeBuiltin<typeof NodeBuffer>("node:buffer")!.Buffer);
}

/** The `node:stream` module (where `node:net` is, so is it). */
export function nodeStream(): typeof Stream {
  nodeNet(); // same availability, same error
  return nodeBuiltin<typeof Stream>("node:stream")!;
}

/** The built-in module `name`; throws an Error naming what is missing on a runtime without it. */
export function requireBuiltin<T>(name: string, what: string): T {
  const mod = nodeBuiltin<T>(name);
  if (mod === null)
    throw new Error(
      `${what} is not available in this runtime: wasio needs process.getBuiltinModule("${name}") (Node ≥ 20.16 or Deno ≥ 2)`,
    );
  return mod;
}
