// Base classes of the scheduler's hot objects set their fields in the constructor: V8 does not
// inline a base constructor that has field initializers into a subclass's constructor, so a Task
// (a Future) or a timer handle (a Handle) would pay a full call for its base part, and so would
// every lock, event or queue (LoopBound). Checked on the sources of src/loop, src/tasks and
// src/sync with the TypeScript parser: every class extended there declares its instance fields
// with `declare` (no initializer, no define-semantics field).
// deno: skip (reads the sources with Node's TypeScript package; nothing runtime-specific)

import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type TypeScript from "typescript";

// Loaded at run time from node_modules (the test bundler would otherwise inline all of it).
const ts: typeof TypeScript = createRequire(join(process.cwd(), "package.json"))("typescript");

const dirs = ["src/loop", "src/tasks", "src/sync"].map((d) => join(process.cwd(), d));
const sources = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => ts.createSourceFile(f, readFileSync(join(d, f), "utf8"), ts.ScriptTarget.ES2022, true)),
);

function classes(): TypeScript.ClassDeclaration[] {
  const out: TypeScript.ClassDeclaration[] = [];
  for (const sf of sources)
    sf.forEachChild(function visit(node) {
      if (ts.isClassDeclaration(node)) out.push(node);
      node.forEachChild(visit);
    });
  return out;
}

const extendedNames = new Set(
  classes().flatMap((c) =>
    (c.heritageClauses ?? [])
      .filter((h) => h.token === ts.SyntaxKind.ExtendsKeyword)
      .flatMap((h) => h.types.map((t) => t.expression.getText())),
  ),
);

test("the hot base classes are found (Future, Handle, TimerHandle, LoopBound)", () => {
  for (const name of ["Future", "Handle", "TimerHandle", "LoopBound"]) assert.ok(extendedNames.has(name), name);
});

test("every class extended in src/loop, src/tasks and src/sync sets its instance fields in its constructor", () => {
  const offenders: string[] = [];
  for (const c of classes()) {
    const name = c.name?.text;
    if (name === undefined || !extendedNames.has(name)) continue;
    for (const m of c.members) {
      if (!ts.isPropertyDeclaration(m)) continue;
      const mods = ts.getModifiers(m) ?? [];
      if (mods.some((x) => x.kind === ts.SyntaxKind.StaticKeyword || x.kind === ts.SyntaxKind.DeclareKeyword)) continue;
      offenders.push(`${name}.${m.name.getText()}`);
    }
  }
  assert.equal(offenders, []);
});

test.run();
