// build/core.wasm under Node's own WASI (node:wasi, uvwasi), whose poll_oneoff really blocks. It
// runs in a child process because a blocking poll_oneoff freezes the JavaScript thread.
// deno: skip — the child is Node's node:wasi whatever runs this suite; once is enough.

import { test } from "uvu";
import { join } from "node:path";
import { CORE_WASM, FIXTURES } from "./children.js";
import { defineRuntimeChecks } from "./runtime-checks.js";

defineRuntimeChecks(
  test,
  "node:wasi",
  (mode) => [process.execPath, ["--no-warnings", join(FIXTURES, "node-wasi-child.mjs"), CORE_WASM, mode]],
  1,
);

test.run();
