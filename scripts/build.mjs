// npm run build: the core (asc, release and debug), the ESM bundle with the wasm bytes embedded
// (dist/wasio.js, readable, with a source map), its CommonJS twin (dist/wasio.cjs), the core as a
// file (dist/core.wasm, for embedders: `wasio/core.wasm`), and the type declarations rolled into
// one self-contained file (dist/wasio.d.ts, dist/wasio.d.cts; scripts/build/types.mjs).
// Flags: --quiet (less output), --no-types (skip tsc; tests do not need it).

import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { rollTypes } from "./build/types.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");
const types = !process.argv.includes("--no-types");
const log = (...a) => {
  if (!quiet) console.log(...a);
};
const bin = (name) => join(root, "node_modules", ".bin", name);

/** True when `target` exists and is newer than every file in `paths` (files or folders, walked). */
function newerThan(target, paths) {
  let t;
  try {
    t = statSync(target).mtimeMs;
  } catch {
    return false;
  }
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

// The example WASI commands (assembly/examples/*.ts -> build/examples/*.wasm): `_start` runs the
// program's top level; an abort prints to stderr and exits 134.
mkdirSync(join(root, "build/examples"), { recursive: true });
for (const name of ["ticker", "echo"]) {
  const out = join(root, "build/examples", `${name}.wasm`);
  if (newerThan(out, ["assembly"])) continue;
  log(`asc: assembly/examples/${name}.ts -> build/examples/${name}.wasm`);
  execFileSync(
    bin("asc"),
    [
      `assembly/examples/${name}.ts`,
      "--outFile",
      out,
      "-O3",
      "--noAssert",
      "--runtime",
      "incremental",
      "--exportStart",
      "_start",
      "--use",
      "abort=assembly/wasi/index/abortCommand",
    ],
    { cwd: root, stdio: "inherit" },
  );
}

const common = {
  bundle: true,
  format: "esm",
  target: "es2022",
  loader: { ".wasm": "binary" },
  logLevel: quiet ? "error" : "warning",
  absWorkingDir: root,
};
const shipped = { entryPoints: ["src/index.ts"], platform: "neutral", external: ["node:*"], sourcemap: true };
await esbuild.build({
  ...common,
  ...shipped,
  outfile: "dist/wasio.js",
  banner: { js: '/* @ts-self-types="./wasio.d.ts" */' }, // Deno reads the types from here
});
// import.meta is empty in CommonJS: the one use (runWasi's worker path) falls back to __dirname.
await esbuild.build({
  ...common,
  ...shipped,
  format: "cjs",
  outfile: "dist/wasio.cjs",
  logOverride: { "empty-import-meta": "silent" },
});
copyFileSync(join(root, "build/core.wasm"), join(root, "dist/core.wasm"));
log("esbuild: src/ -> dist/wasio.js, dist/wasio.cjs (+ .map); dist/core.wasm");
// The worker that runs WASI commands for runWasi (with @wasmer/wasi inside), beside the bundles.
await esbuild.build({
  ...common,
  entryPoints: ["src/io/wasi/guest-worker.ts"],
  outfile: "dist/wasi-worker.js",
  platform: "node",
  external: ["node:*"],
});
log("esbuild: src/io/wasi/guest-worker.ts -> dist/wasi-worker.js");

if (types) {
  execFileSync(bin("tsc"), ["-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  await rollTypes(root);
  log("tsc: src/ -> build/types -> dist/wasio.d.ts, dist/wasio.d.cts");
}
