// A replayed failure turned into a regression test, as docs/simulation.md describes: explore
// reported "seed 2 failed … lost update" for the counter whose lock was forgotten
// (examples/simulation/forgotten-lock.mjs). The seed is pinned here: the fixed program must pass
// under it, and the buggy one must still fail under it (so the pinned schedule keeps exercising
// the race it found).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { buggyCounter, fixedCounter } from "../../examples/simulation/forgotten-lock.mjs";
import { replay } from "../../dist/wasio.js";

const FOUND_SEED = 2;

test("seed 2 once lost an update: with the lock the counter keeps every increment", () => {
  const run = replay(FOUND_SEED, fixedCounter);
  assert.ok(run.ok, String(run.error));
  assert.is(run.result, 3);
});

test("seed 2 still breaks the program without the lock, the same way every time", () => {
  const a = replay(FOUND_SEED, buggyCounter);
  const b = replay(FOUND_SEED, buggyCounter);
  assert.is(a.ok, false);
  assert.match(String(a.error), "lost update: the counter is 2 after 3 increments");
  assert.is(a.hash, b.hash);
});

test.run();
