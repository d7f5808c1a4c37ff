// build/core.wasm under wasmtime, through its Python embedding (`python3 -m pip install
// wasmtime`), whose poll_oneoff really blocks. When python3 or the wasmtime package is missing,
// the suite passes with one test saying so (a skip, not a failure).
// deno: skip — the child is Python whatever runs this suite; once is enough.

import { test } from "uvu";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CORE_WASM, FIXTURES } from "./children.js";
import { defineRuntimeChecks } from "./runtime-checks.js";

const PYTHON = process.env.WASIO_PYTHON ?? "python3";
const probe = spawnSync(PYTHON, ["-c", "import wasmtime"], { encoding: "utf8", timeout: 30_000 });

if (probe.status === 0) {
  defineRuntimeChecks(
    test,
    "wasmtime (Python)",
    (mode) => [PYTHON, [join(FIXTURES, "wasmtime_child.py"), CORE_WASM, mode]],
    0,
  );
} else {
  const why = probe.error ? String(probe.error) : (probe.stderr || "").trim().split("\n").at(-1);
  test("wasmtime (Python): skipped — the wasmtime package is not importable (python3 -m pip install wasmtime)", () => {
    console.log(`[skip] wasmtime checks not run: ${why}`);
  });
}

test.run();
