// The AssemblyScript loop as a user gets it: `npm pack`, the tarball unpacked into a fresh
// node_modules/wasio, a program importing "wasio/assembly/loop" and "wasio/assembly/wasi"
// compiled by asc with the package's abort handler, and run under node:wasi (and wasmtime's
// Python embedding when it is here): callSoon order, timers with cancel, callAt, errors on a bad
// fd reaching its callback, stdin readiness and EOF, run() returning when nothing is left, stop();
// and docs/wasi.md's complete program, compiled and run as written.
// deno: skip — it packs and compiles in Node children whatever runs this suite; once is enough.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES, repoRoot } from "./children.js";
import { describe, linesOf, nodeWasi, wasmtimeMissing, wasmtimePython, type Runtime } from "./commands.js";
import { runCommand } from "./wasio-run-helpers.js";

const root = repoRoot();
const work = mkdtempSync(join(tmpdir(), "wasio-as-user-"));
let wasm = "";
test.after(() => rmSync(work, { recursive: true, force: true }));

const asc = (source: string, out: string) =>
  execFileSync(
    join(root, "node_modules", ".bin", "asc"),
    [
      source,
      "--outFile",
      out,
      "--runtime",
      "incremental",
      "--exportStart",
      "_start",
      "--use",
      "abort=~lib/wasio/assembly/wasi/index/abortCommand",
    ],
    { cwd: work, stdio: "inherit" },
  );

test("the packed package's AssemblyScript loop compiles into a user's WASI command", () => {
  execFileSync("npm", ["pack", "--silent", "--pack-destination", work], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))!;
  const pkg = join(work, "node_modules", "wasio");
  mkdirSync(pkg, { recursive: true });
  execFileSync("tar", ["xzf", join(work, tarball), "-C", pkg, "--strip-components", "1"]);
  copyFileSync(join(FIXTURES, "as-user", "main.ts"), join(work, "main.ts"));
  wasm = join(work, "main.wasm");
  asc("main.ts", wasm);
});

test("docs/wasi.md's complete program compiles against the package and runs as written", async () => {
  const doc = readFileSync(join(root, "docs", "wasi.md"), "utf8");
  const m = /^A complete program[\s\S]*?^```ts\n([\s\S]*?)^```$/m.exec(doc);
  assert.ok(m !== null, "docs/wasi.md has the program");
  writeFileSync(join(work, "doc.ts"), m![1]);
  asc("doc.ts", join(work, "doc.wasm"));
  const [cmd, args] = nodeWasi.command(join(work, "doc.wasm"), []);
  const run = await runCommand(cmd, args, { stdin: "hey\n" });
  assert.equal(linesOf(run).sort(), ["later 10", "stdin 0 error 0", "stdin 4 error 0"], describe(run));
  assert.is(run.code, 0, describe(run));
});

function defineUserTests(rt: Runtime): void {
  test(`${rt.name}: the user's program sees callSoon, timers, cancel, fd errors, stdin, run() and stop() as documented`, async () => {
    const input = join(work, "input.txt");
    writeFileSync(input, "hi");
    const [cmd, args] = rt.command(wasm, []);
    const run = await runCommand(cmd, args, { stdin: { file: input } });
    const lines = linesOf(run);
    const why = describe(run);
    assert.equal(
      lines.filter((l) => /^(soon|nested)/.test(l)),
      ["soon 1", "nested 2", "soon 3", "soon 99"],
      why,
    );
    assert.equal(
      lines.filter((l) => l.startsWith("later")),
      ["later 10", "later 11", "later 30", "later 50"],
      why,
    );
    assert.ok(!lines.includes("a cancelled callback ran"), why);
    assert.equal(lines.slice(0, 2), ["bad fd: addReader 0", "out of range: addReader 8"], why);
    assert.ok(lines.includes("fd 9 error 8 data 5"), why);
    assert.equal(
      lines.filter((l) => l.startsWith("stdin")),
      ["stdin 2 error 0", "stdin 0 error 0"],
      why,
    );
    const first = lines.indexOf("run returned 0");
    assert.ok(first > lines.indexOf("later 30") && first > lines.indexOf("stdin 0 error 0"), why);
    assert.is(lines[first + 1], "elapsed at least 30: yes", why);
    assert.equal(lines.slice(first + 2), ["stop", "run returned after stop 0", "later 50", "run returned 0"], why);
    assert.is(run.code, 0, why);
  });
}

defineUserTests(nodeWasi);
const missing = wasmtimeMissing();
if (missing === null) defineUserTests(wasmtimePython);
else {
  test("wasmtime (Python): skipped — the wasmtime package is not importable (python3 -m pip install wasmtime)", () => {
    console.log(`[skip] wasmtime AssemblyScript user checks not run: ${missing}`);
  });
}

test.run();
