// npm test: bundles each tests/**/*.test.ts with esbuild (src/ included, the core's wasm bytes
// embedded, as in dist/), runs every suite in its own Node process and again under Deno
// (`deno run -A`, Deno 2 from the devDependency) unless the suite's source has a line
// `// deno: skip — reason`, two processes at a time, and ends with one line
// "N passed, N failed" over all of them. Arguments filter suites by substring.
// Env: WASIO_TEST_NO_DENO=1 skips the Deno runs.

import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const filters = process.argv.slice(2).filter((a) => !a.startsWith("--"));

function find(dir) {
  const out = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (f.endsWith(".test.ts")) out.push(p);
  }
  return out.sort();
}

const all = find(join(root, "tests")).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
// A folder of this run's own, so that two runs at once (two engineers, or CI and a developer)
// never delete each other's bundles.
const outdir = join(root, "build", `tests-${process.pid}`);
rmSync(outdir, { recursive: true, force: true });
process.on("exit", () => rmSync(outdir, { recursive: true, force: true }));
await esbuild.build({
  entryPoints: all,
  outdir,
  outbase: join(root, "tests"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "es2022",
  loader: { ".wasm": "binary" },
  external: ["uvu", "uvu/*", "node:*"],
  logLevel: "error",
  sourcemap: "inline",
  absWorkingDir: root,
});

const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

function runSuite(cmd, args, name) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const timer = setTimeout(() => {
      out += "\n[test runner] suite timed out after 300 s\n";
      child.kill("SIGKILL");
    }, 300_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const text = strip(out);
      const total = +(text.match(/Total:\s+(\d+)/)?.[1] ?? 0);
      const passed = +(text.match(/Passed:\s+(\d+)/)?.[1] ?? 0);
      const skipped = +(text.match(/Skipped:\s+(\d+)/)?.[1] ?? 0);
      let failed = total - passed - skipped;
      if (code !== 0 && failed === 0) failed = 1; // a crash outside any test counts as a failure
      resolve({ name, passed, failed, skipped, code, text });
    });
  });
}

async function pool(jobs, width) {
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}

const nodeSuites = all;
const denoSuites = process.env.WASIO_TEST_NO_DENO
  ? []
  : all.filter((f) => !/^\/\/ deno: skip/m.test(readFileSync(f, "utf8")));
const js = (f) => join(outdir, relative(join(root, "tests"), f)).replace(/\.ts$/, ".js");
const denoBin = join(root, "node_modules", ".bin", "deno");

const jobs = [
  ...nodeSuites.map((f) => () => runSuite(process.execPath, ["--expose-gc", js(f)], relative(root, f))),
  ...denoSuites.map((f) => () => runSuite(denoBin, ["run", "-A", "--quiet", js(f)], `deno: ${relative(root, f)}`)),
];
const started = Date.now();
const results = await pool(jobs, 2);

let passed = 0,
  failed = 0,
  skipped = 0;
for (const r of results) {
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
  const mark = r.failed === 0 ? "ok  " : "FAIL";
  console.log(`${mark} ${r.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ""}`);
  if (r.failed > 0)
    console.log(
      r.text
        .split("\n")
        .map((l) => "     " + l)
        .join("\n"),
    );
}
console.log(`\n${results.length} suites in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed > 0 ? 1 : 0;
