// ESM: import.meta.resolve("wasio/core.wasm") names the core file inside the installed package.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
const url = import.meta.resolve("wasio/core.wasm");
const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(fileURLToPath(url))));
const names = imports
  .map((i) => `${i.module}.${i.name}`)
  .sort()
  .join(",");
const expected = ["clock_time_get", "fd_fdstat_get", "poll_oneoff"].map((n) => `wasi_snapshot_preview1.${n}`).join(",");
if (names !== expected) throw new Error(names);
console.log("resolve ok");
