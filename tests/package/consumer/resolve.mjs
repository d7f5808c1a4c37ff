// ESM: import.meta.resolve("wasio/core.wasm") names the core file inside the installed package.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
const url = import.meta.resolve("wasio/core.wasm");
const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(fileURLToPath(url))));
const names = imports.map((i) => `${i.module}.${i.name}`).sort().join(",");
if (names !== "wasi_snapshot_preview1.clock_time_get,wasi_snapshot_preview1.poll_oneoff") throw new Error(names);
console.log("resolve ok");
