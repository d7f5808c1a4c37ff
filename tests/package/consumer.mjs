// The consumer test (run by .ci/run after the build): what a new user gets from the packed
// package. It packs the package, installs the tarball into a fresh temporary project and checks:
// the types (strict, `nodenext` with @types/node and `bundler` with no types at all: the good
// program is clean, the bad one fails with TS2322), the program under Node and under Deno
// (`deno check` too), `require("wasio")` from CommonJS, `wasio/core.wasm` resolved from ESM and
// CommonJS and instantiated, and Deno without permissions (tests/package/consumer/deno-denied.ts).
// Prints "ok …" / "FAIL …" per check and ends with one line "N passed, N failed".

import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = join(root, "tests/package/consumer");
const tsc = join(root, "node_modules/.bin/tsc");
const deno = join(root, "node_modules/.bin/deno");
const dir = mkdtempSync(join(tmpdir(), "wasio-consumer-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

let passed = 0,
  failed = 0;
function check(name, cmd, args, expect = (r) => r.status === 0) {
  const r = spawnSync(cmd, args, {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (expect(r, out)) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name} (exit ${r.status})\n${out.trim().split("\n").slice(0, 30).join("\n")}`);
  }
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
execFileSync(npm, ["pack", "--silent", "--pack-destination", dir], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
});
const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
execFileSync(npm, ["install", `./${tarball}`, "--no-audit", "--no-fund", "--silent"], { cwd: dir, stdio: "inherit" });
for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(dir, f));

const strict = { strict: true, skipLibCheck: false, target: "ES2022", lib: ["ES2022"], noEmit: true };
const configs = {
  nodenext: {
    ...strict,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    typeRoots: [join(root, "node_modules/@types")],
    types: ["node"],
  },
  bundler: { ...strict, module: "ESNext", moduleResolution: "Bundler", types: [] },
};
for (const [name, compilerOptions] of Object.entries(configs)) {
  for (const file of ["good", "bad"]) {
    writeFileSync(
      join(dir, `tsconfig.${name}.${file}.json`),
      JSON.stringify({ compilerOptions, files: [`${file}.ts`] }),
    );
  }
  check(`tsc (${name}, strict, lib ES2022 only) accepts a correct program`, tsc, ["-p", `tsconfig.${name}.good.json`]);
  check(
    `tsc (${name}) rejects a wrong yield* assignment with TS2322`,
    tsc,
    ["-p", `tsconfig.${name}.bad.json`],
    (r, out) => r.status !== 0 && out.includes("error TS2322") && (out.match(/error TS/g) ?? []).length === 1,
  );
}
check("tsc emits the program (nodenext)", tsc, [
  "-p",
  "tsconfig.nodenext.good.json",
  "--noEmit",
  "false",
  "--outDir",
  "out",
]);
check(
  "the compiled program runs under Node",
  process.execPath,
  ["out/good.js"],
  (r, out) => r.status === 0 && out.includes("consumer ok"),
);
check(
  "esbuild bundles the compiled program with the installed package (sideEffects honoured)",
  join(root, "node_modules/.bin/esbuild"),
  ["out/good.js", "--bundle", "--format=esm", "--platform=node", "--outfile=out/bundled.mjs", "--log-level=warning"],
);
check(
  "the esbuild bundle runs under Node",
  process.execPath,
  ["out/bundled.mjs"],
  (r, out) => r.status === 0 && out.includes("consumer ok"),
);
check(
  'require("wasio") from CommonJS, require.resolve("wasio/core.wasm") instantiates',
  process.execPath,
  ["require.cjs"],
  (r, out) => r.status === 0 && out.includes("require ok: true"),
);
check(
  'import.meta.resolve("wasio/core.wasm") names the core',
  process.execPath,
  ["resolve.mjs"],
  (r, out) => r.status === 0 && out.includes("resolve ok"),
);
check("deno check accepts the program", deno, ["check", "--quiet", "good.ts"]);
check(
  "deno check rejects the wrong program with TS2322",
  deno,
  ["check", "--quiet", "bad.ts"],
  (r, out) => r.status !== 0 && out.includes("TS2322"),
);
check(
  "the program runs under Deno",
  deno,
  ["run", "--quiet", "good.ts"],
  (r, out) => r.status === 0 && out.includes("consumer ok"),
);
check(
  "Deno with no permissions: startServer, openConnection, getaddrinfo, toThread raise EACCES in the coroutine; a simulated network needs none",
  deno,
  ["run", "--quiet", "--no-prompt", "deno-denied.ts"],
  (r, out) => r.status === 0 && out.includes("denied ok"),
);

// The installed bin: `npx wasio run` on a WASI command (the ticker example), stdin a pipe.
check(
  "npx wasio run (the installed bin) runs a WASI command: ticker echoes a piped line, then eof",
  "sh",
  ["-c", `printf 'from the pipe\\n' | npx --no-install wasio run ${join(root, "build/examples/ticker.wasm")}`],
  (r, out) => r.status === 0 && out.includes("line: from the pipe") && out.trim().endsWith("eof"),
);

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
