// docs/asyncio-coverage.md stays true: every wasio name its table gives is exported by the built
// bundle (dist/wasio.js, what users import), the "not built" rows say why, and the count in the
// text is the table's. Reads the files from the repository root (the runner's cwd).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = process.cwd();
const doc = readFileSync(join(root, "docs/asyncio-coverage.md"), "utf8");
const rows = doc
  .split("\n")
  .filter((l) => /^\| [a-z_]+ \| `/.test(l))
  .map((l) => l.split("|").map((c) => c.trim()));

test("the table lists asyncio 3.13's 80 public names once each", () => {
  const names = rows.map((r) => r[2]);
  assert.is(names.length, 80);
  assert.is(new Set(names).size, 80);
  for (const n of ["`run`", "`Runner`", "`QueueShutDown`", "`EventLoop`", "`eager_task_factory`"])
    assert.ok(names.includes(n), n);
});

test("every wasio name in the table is exported by the built bundle, and each one not built says why", async () => {
  const dist = join(root, "dist/wasio.js");
  assert.ok(existsSync(dist), "dist/wasio.js is missing: npm run build");
  const exported = await import(pathToFileURL(dist).href);
  let built = 0;
  for (const [, , asyncio, wasio, note] of rows) {
    if (wasio === "not built") {
      assert.ok(note.length > 20, `${asyncio}: a reason`);
      continue;
    }
    const name = wasio.replace(/`/g, "");
    assert.ok(name in exported, `${asyncio} -> ${name} is not exported`);
    built++;
  }
  assert.match(doc, `**Coverage: ${built} of ${rows.length} names.**`);
});

test.run();
