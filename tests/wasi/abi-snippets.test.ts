// Every ```js and ```python snippet of docs/abi.md runs as written, from the repository root,
// with stdin from /dev/null and from a pipe that gets a line and closes: it exits 0 and prints
// what the snippet says it does.
// deno: skip — the snippets run in Node and Python children whatever runs this suite; once is enough.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./children.js";
import { wasmtimeMissing } from "./commands.js";

const root = repoRoot();
const doc = readFileSync(join(root, "docs", "abi.md"), "utf8");
const snippets = [...doc.matchAll(/^```(js|python)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
const work = mkdtempSync(join(tmpdir(), "wasio-abi-snippets-"));
test.after(() => rmSync(work, { recursive: true, force: true }));

const PYTHON = process.env.WASIO_PYTHON ?? "python3";

function runSnippet(
  cmd: string,
  args: string[],
  stdin: "devnull" | "pipe",
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: [stdin === "devnull" ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stdout!.on("data", (d) => {
      out += d;
    });
    child.stderr!.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    if (stdin === "pipe") child.stdin!.end("x\n");
  });
}

const expected: Array<[RegExp, RegExp]> = [
  [/WASI\(/, /fd 0 readable, \d+ bytes, errno 0\ntimer \d+ fired\n$/],
  [/simulated world|fd_fdstat_get\(fd, stat\)/, /^1 entry: kind 0, timer fired at 250 ms\n$/],
  [/from wasmtime import/, /^1 \[\(1, 0, 0, \d\)\]\n$/],
];

test("docs/abi.md has the three runnable snippets this suite knows", () => {
  assert.is(snippets.length, 3, snippets.map((s) => s.code.slice(0, 60)).join("\n---\n"));
  for (const [i, s] of snippets.entries()) assert.ok(expected[i][0].test(s.code), `snippet ${i + 1}`);
});

const python = wasmtimeMissing() === null;
for (const [i, s] of snippets.entries()) {
  for (const stdin of ["devnull", "pipe"] as const) {
    const name = `docs/abi.md snippet ${i + 1} (${s.lang}) runs as written with stdin ${stdin === "devnull" ? "/dev/null" : "a pipe"}`;
    if (s.lang === "python" && !python) {
      test(`${name}: skipped — the wasmtime package is not importable (python3 -m pip install wasmtime)`, () => {});
      continue;
    }
    test(name, async () => {
      const file = join(work, `snippet-${i + 1}.${s.lang === "js" ? "mjs" : "py"}`);
      writeFileSync(file, s.code);
      const r =
        s.lang === "js"
          ? await runSnippet(process.execPath, ["--no-warnings", file], stdin)
          : await runSnippet(PYTHON, [file], stdin);
      assert.is(r.code, 0, r.out);
      assert.ok(expected[i][1].test(r.out), r.out);
    });
  }
}

test.run();
