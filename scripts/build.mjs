// npm run build: the core (asc, release and debug), the ESM bundle with the wasm bytes embedded
// (dist/wasio.js), and its type declarations (dist/wasio.d.ts, via tsc + a small roll-up).
// Flags: --quiet (less output), --no-types (skip tsc; tests do not need it).

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");
const types = !process.argv.includes("--no-types");
const log = (...a) => { if (!quiet) console.log(...a); };
const bin = (name) => join(root, "node_modules", ".bin", name);

/** True when `target` exists and is newer than every file in `paths` (files or folders, walked). */
function newerThan(target, paths) {
  let t;
  try { t = statSync(target).mtimeMs; } catch { return false; }
  const walk = (p) => {
    const s = statSync(p);
    return s.isDirectory() ? readdirSync(p).every((f) => walk(join(p, f))) : s.mtimeMs <= t;
  };
  return paths.every((p) => walk(join(root, p)));
}

mkdirSync(join(root, "build"), { recursive: true });
// The core is rebuilt when its sources or its compiler options changed.
if (!newerThan(join(root, "build/core.wasm"), ["assembly", "asconfig.json"])) {
  log("asc: assembly/ -> build/core.wasm, build/core.debug.wasm");
  for (const target of ["release", "debug"]) {
    execFileSync(bin("asc"), ["--target", target], { cwd: root, stdio: "inherit" });
  }
}

const common = {
  bundle: true, format: "esm", target: "es2022", loader: { ".wasm": "binary" },
  logLevel: quiet ? "error" : "warning", absWorkingDir: root,
};
await esbuild.build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/wasio.js", platform: "neutral", external: ["node:*"] });
log("esbuild: src/ -> dist/wasio.js");

if (types) {
  execFileSync(bin("tsc"), ["-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  writeFileSync(join(root, "dist/wasio.d.ts"), 'export * from "../build/types/index.js";\n');
  log("tsc: src/ -> build/types, dist/wasio.d.ts");
}
