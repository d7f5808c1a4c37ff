// npm run build: the core (asc, release and debug), the ESM bundle with the wasm bytes embedded
// (dist/wasio.js, readable, with a source map), its CommonJS twin (dist/wasio.cjs), the core as a
// file (dist/core.wasm, for embedders: `wasio/core.wasm`), and the type declarations rolled into
// one self-contained file (dist/wasio.d.ts, dist/wasio.d.cts; scripts/build/types.mjs).
// Flags: --quiet (less output), --no-types (skip tsc; tests do not need it).

import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { rollTypes } from "./build/types.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");
const types = !process.argv.includes("--no-types");
const log = (...a) => { if (!quiet) console.log(...a); };
const bin = (name) => join(root, "node_modules", ".bin", name);

function newerThan(target, dirs) {
  let t;
  try { t = statSync(target).mtimeMs; } catch { return false; }
  const walk = (d) => readdirSync(d).every((f) => {
    const p = join(d, f);
    const s = statSync(p);
    return s.isDirectory() ? walk(p) : s.mtimeMs <= t;
  });
  return dirs.every((d) => walk(join(root, d)));
}

mkdirSync(join(root, "build"), { recursive: true });
if (!newerThan(join(root, "build/core.wasm"), ["assembly"]) || !newerThan(join(root, "build/core.wasm"), ["asconfig.json"].length ? ["assembly"] : [])) {
  log("asc: assembly/ -> build/core.wasm, build/core.debug.wasm");
  for (const target of ["release", "debug"]) {
    execFileSync(bin("asc"), ["--target", target], { cwd: root, stdio: "inherit" });
  }
}

const common = {
  bundle: true, format: "esm", target: "es2022", loader: { ".wasm": "binary" },
  logLevel: quiet ? "error" : "warning", absWorkingDir: root,
};
const shipped = { entryPoints: ["src/index.ts"], platform: "neutral", external: ["node:*"], sourcemap: true };
await esbuild.build({
  ...common, ...shipped, outfile: "dist/wasio.js",
  banner: { js: '/* @ts-self-types="./wasio.d.ts" */' }, // Deno reads the types from here
});
await esbuild.build({ ...common, ...shipped, format: "cjs", outfile: "dist/wasio.cjs" });
copyFileSync(join(root, "build/core.wasm"), join(root, "dist/core.wasm"));
log("esbuild: src/ -> dist/wasio.js, dist/wasio.cjs (+ .map); dist/core.wasm");

if (types) {
  execFileSync(bin("tsc"), ["-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  await rollTypes(root);
  log("tsc: src/ -> build/types -> dist/wasio.d.ts, dist/wasio.d.cts");
}
