// Node's built-in modules, loaded lazily and synchronously (`process.getBuiltinModule`, Node >= 20.16
// and Deno 2). Modules reachable from the package root never `import … from "node:…"` statically,
// so the bundle still loads in a browser; there, every lookup answers null.

/** The built-in module `name` ("node:os", …), or null on a runtime without Node's modules. */
export function nodeBuiltin<T>(name: string): T | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc === undefined || typeof proc.getBuiltinModule !== "function") return null;
  return (proc.getBuiltinModule(name) as T | undefined) ?? null;
}
