// The layering rules, checked on the sources: arrows point down only (host <- core <- loop <-
// tasks <- sync <- io <- the package's entry points), and code outside the base loop uses only
// the loop members named in LoopInternals. Reads src/ from the repository root (the runner's cwd).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { EventLoop } from "../../src/io/event-loop.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import type { LoopInternals } from "../../src/loop/loop-internals.js";

const root = process.cwd();
const src = join(root, "src");

/** Rank of each layer, bottom up; src/errors.ts, src/checks.ts and src/keep-latest.ts are leaves every layer may use. */
const RANK: Record<string, number> = {
  leaf: -1,
  hosts: 0,
  core: 1,
  loop: 2,
  tasks: 3,
  sync: 4,
  io: 5,
  top: 6,
  simulation: 6,
};
/** The modules at src/ itself that import nothing of the package, sorted. */
const LEAVES = ["checks.ts", "errors.ts", "keep-latest.ts"];
/** The documented exception: the base loop creates Futures and Tasks (createFuture, createTask, runUntilComplete). */
const ALLOWED_UP = new Set(["src/loop/event-loop.ts -> tasks", "src/loop/loop-internals.ts -> tasks"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(src, file).split(/[\\/]/);
  if (rel.length === 1) return LEAVES.includes(rel[0]) ? "leaf" : "top";
  return rel[0];
}

/** Every relative import or re-export of `file` (type-only ones too: they are arrows as well). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["'](\.[^"']+)["']/gms)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*["'](\.[^"']+)["']\s*\)/g)) out.push(m[1]);
  return out.map((spec) => resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
}

const sources = files(src).filter((f) => !f.endsWith(".d.ts"));

test("a leaf module imports nothing of the package", () => {
  const leaves = sources.filter((f) => layerOf(f) === "leaf");
  assert.equal(leaves.map((f) => relative(src, f)).sort(), LEAVES);
  assert.equal(leaves.flatMap(importsOf), []);
});

test("the import parser sees the tree's arrows (so the rules below can fail)", () => {
  const arrows = sources.flatMap(importsOf);
  assert.ok(arrows.length > 200, `found ${arrows.length} imports`);
  const outside = arrows.filter((a) => !a.startsWith(src) && a !== join(root, "build/core.wasm"));
  assert.equal(outside, [], "every relative import stays inside src/ (but the core's built bytes)");
  assert.ok(importsOf(join(src, "io/event-loop.ts")).includes(join(src, "loop/event-loop.ts")));
});

test("host-neutral code never imports a particular host's code (src/hosts/node/)", () => {
  // node-modules.ts is the exception: it loads Node-compatible builtins where the runtime has them
  // (Node, Deno), and the executor, DNS and signals use it directly. The WASI guest runner
  // (src/io/wasi) drives the Node socket host's own members (stdin, files, fd table) and is
  // exempt until those are part of a host-neutral contract.
  const node = join(src, "hosts", "node");
  const wasi = join(src, "io", "wasi");
  const into = sources
    .filter(
      (f) =>
        !f.startsWith(node) &&
        !f.startsWith(wasi) &&
        !f.endsWith(join("hosts", "default-host.ts")) &&
        layerOf(f) !== "top",
    )
    .flatMap((f) =>
      importsOf(f)
        .filter((t) => t.startsWith(node) && !t.endsWith("node-modules.ts"))
        .map((t) => `${relative(src, f)} -> ${relative(src, t)}`),
    );
  assert.equal(into, []);
});

test("no layer imports a layer above it, but for the base loop's documented use of tasks", () => {
  const up: string[] = [];
  for (const file of sources) {
    const from = layerOf(file);
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      const name = `${relative(root, file).replace(/\\/g, "/")} -> ${to}`;
      if (RANK[to] > RANK[from] && !ALLOWED_UP.has(name)) up.push(`${name} (${relative(root, target)})`);
    }
  }
  assert.equal(up, []);
});

test("the public loop provides the LoopInternals contract (a compile-time check, and at run time)", () => {
  const loop = new EventLoop({ host: new VirtualHost() });
  const internals: LoopInternals = loop; // does not compile if a member is missing or mistyped
  assert.type(internals._soon, "function");
  assert.type(internals._soonThreadsafe, "function");
  assert.type(internals._timerCancelled, "function");
  assert.ok(internals._unretrieved instanceof Set && Array.isArray(internals._closeHooks));
  assert.is(internals._currentTask, null);
  assert.is(internals._tasks._nextTask, null);
  loop.close();
});

test("outside the base loop, code uses only the loop internals that LoopInternals names", () => {
  const contract = readFileSync(join(src, "loop/loop-internals.ts"), "utf8");
  const named = new Set([...contract.matchAll(/^\s+(?:readonly\s+)?(_\w+)[(:]/gm)].map((m) => m[1]));
  assert.ok(named.has("_soon") && named.has("_currentTask"), `parsed ${[...named]}`);
  const stray: string[] = [];
  let uses = 0;
  for (const file of sources) {
    if (file.endsWith(join("loop", "event-loop.ts"))) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\b(?:loop|_loop|getLoop\(\)|getRunningLoop\(\))\.(_\w+)/gi)) {
      uses++;
      if (!named.has(m[1])) stray.push(`${relative(root, file)}: ${m[0]}`);
    }
  }
  assert.ok(uses > 20, `found ${uses} uses`);
  assert.equal(stray, []);
});

test.run();
