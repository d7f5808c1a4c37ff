// Node's built-in modules, loaded lazily and synchronously with `process.getBuiltinModule`
// (Node ≥ 20.16, Deno 2). Nothing here is imported statically, so the bundle still loads in a
// browser; there, the first socket call fails with a clear error instead.

import type * as Net from "node:net";
import type * as NodeBuffer from "node:buffer";

let net: typeof Net | null = null;
let bufferCtor: typeof NodeBuffer.Buffer | null = null;

/** The `node:net` module; throws an Error saying why when this runtime has none. */
export function nodeNet(): typeof Net {
  if (net !== null) return net;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const load = proc?.getBuiltinModule;
  if (typeof load !== "function") {
    throw new Error(
      "sockets are not available in this runtime: wasio's socket host needs process.getBuiltinModule(\"node:net\") (Node ≥ 20.16 or Deno ≥ 2)",
    );
  }
  const mod = load.call(proc, "node:net") as typeof Net | undefined;
  if (mod === undefined || typeof mod.connect !== "function") throw new Error("sockets are not available in this runtime: node:net did not load");
  return (net = mod);
}

/** Node's Buffer (small copies come from its shared pool: no ArrayBuffer per copy). */
export function nodeBuffer(): typeof NodeBuffer.Buffer {
  if (bufferCtor !== null) return bufferCtor;
  nodeNet(); // same availability, same error
  const proc = (globalThis as { process: { getBuiltinModule: (id: string) => unknown } }).process;
  return (bufferCtor = (proc.getBuiltinModule("node:buffer") as typeof NodeBuffer).Buffer);
}

/** True when `nodeNet()` would succeed (without throwing). */
export function hasNodeNet(): boolean {
  try {
    nodeNet();
    return true;
  } catch {
    return false;
  }
}
