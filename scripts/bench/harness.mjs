// The benchmark harness: alternating A/B rounds, medians, ratios, and the docs/benchmarks.md writer.
//
// How a comparison runs: A and B take turns in the same process (A, B, A, B, …) so that machine
// noise (other processes, thermal state, a busy second core) hits both sides alike; the garbage
// collector is forced between runs when node runs with --expose-gc; the figure reported for each
// side is the median of its rounds, and the ratio is median(A) / median(B). By convention A is
// wasio and B is Node, so the ratio reads "wasio / Node": for times and sizes below 1 is better for
// wasio, for rates (units ending in "/s") above 1 is.

import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import os from "node:os";
import { basename, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const DOCS = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));
// WASIO_BENCH_MODULE=path/to/other/build.js benchmarks another build of the library.
const WASIO = process.env.WASIO_BENCH_MODULE
  ? pathToFileURL(process.env.WASIO_BENCH_MODULE)
  : new URL("../../dist/wasio.js", import.meta.url);
const DEFAULT_ROUNDS = 7;
/** The runtime this process is: "Node" or "Deno" (all.mjs runs every workload under both). */
export const RUNTIME = typeof globalThis.Deno === "undefined" ? "Node" : "Deno";
const SLOW_ROUND_MS = 5000; // a round slower than this cuts the default rounds to SLOW_ROUNDS
const SLOW_ROUNDS = 3;

// ---------------------------------------------------------------------------------------------
// Command line and loading wasio

/** `--quick` (1/10 sizes, 3 rounds), `--rounds N`, `--json FILE`, `--write`, other words = names. */
export function parseArgs(argv) {
  const opts = { quick: false, rounds: undefined, json: null, write: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") opts.quick = true;
    else if (arg === "--rounds") opts.rounds = Number(argv[++i]);
    else if (arg === "--json") opts.json = argv[++i];
    else if (arg === "--write") opts.write = true;
    else if (arg === "--no-write") opts.write = false;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else opts.names.push(arg.replace(/\.mjs$/, ""));
  }
  if (opts.rounds !== undefined && !(opts.rounds >= 1)) throw new Error("--rounds needs a count");
  if (opts.quick && opts.rounds === undefined) opts.rounds = 3;
  return opts;
}

/** The built library, or null (with a message saying why) when dist/wasio.js cannot be imported. */
export async function loadWasio() {
  try {
    return await import(WASIO.href);
  } catch (err) {
    const file = fileURLToPath(WASIO);
    if (!existsSync(file)) {
      console.log(`wasio side skipped: ${file} not found (build it with \`npm run build\`)`);
    } else {
      console.log(`wasio side skipped: importing ${file} failed:`, err);
      process.exitCode = 1; // a broken build is an error, a missing one is not
    }
    return null;
  }
}

/** True when `url` (a module's import.meta.url) is the script node was started with. */
export function isMain(url) {
  const script = process.argv[1];
  return Boolean(script) && pathToFileURL(realpathSync(script)).href === url;
}

/**
 * Standalone entry for a workload file: `if (isMain(import.meta.url)) await runMain(import.meta.url, bench)`.
 * Runs `bench(w, opts)`, then writes the results as JSON (--json FILE, used by all.mjs) and/or
 * into docs/benchmarks.md (--write). Exits explicitly so a leaked host handle cannot hang a run.
 */
export async function runMain(url, bench) {
  const opts = parseArgs(process.argv.slice(2));
  if (!globalThis.gc)
    console.log("note: run node with --expose-gc to collect garbage between rounds and get memory figures");
  try {
    const results = await bench(await loadWasio(), opts);
    if (opts.json) writeFileSync(opts.json, JSON.stringify(results));
    if (opts.write) {
      const file = basename(fileURLToPath(url));
      writeResults(results, `node --expose-gc scripts/bench/${file} ${process.argv.slice(2).join(" ")}`.trim());
    }
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  }
  process.exit(process.exitCode ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Comparing

export function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function settle() {
  globalThis.gc?.();
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `a.fn` and `b.fn` alternately for `rounds` rounds; each returns (or resolves to) the
 * measured figure in `unit`. A side that is missing (null) is skipped; a side that throws is
 * reported and dropped. Without an explicit `rounds`, 7 rounds run, cut to 3 when one run takes
 * longer than 5 s. `metric` says what is measured; `group` names the docs section (default `name`).
 */
export async function compare({ name, group = name, metric = "", unit, a, b, rounds, better }) {
  better ??= unit.endsWith("/s") ? "higher" : "lower";
  let target = rounds ?? DEFAULT_ROUNDS;
  let note = "";
  const sides = [a, b].map((s) => s && { label: s.label, fn: s.fn, samples: [], error: null });
  console.log(`\n== ${name}: ${metric ? metric + ", " : ""}${unit} (${better} is better)`);
  if (!a) console.log("   wasio side skipped (library not loaded)");

  for (let round = 0; round < target; round++) {
    const line = [];
    for (const side of sides) {
      if (!side || side.error) continue;
      await settle();
      const start = performance.now();
      try {
        side.samples.push(Number(await side.fn()));
      } catch (err) {
        side.error = err;
        process.exitCode = 1;
        console.log(`   ${side.label} failed:`, err?.stack ?? err);
        continue;
      }
      line.push(`${side.label} ${fmt(side.samples.at(-1))}`);
      if (rounds === undefined && target > SLOW_ROUNDS && performance.now() - start > SLOW_ROUND_MS) {
        target = Math.max(SLOW_ROUNDS, round + 1);
        note = `${target} rounds instead of ${DEFAULT_ROUNDS}: a run took over ${SLOW_ROUND_MS / 1000} s`;
      }
    }
    console.log(`   round ${round + 1}/${target}  ${line.join("  ")}`);
  }

  const [ra, rb] = sides.map(
    (s) =>
      s && {
        label: s.label,
        samples: s.samples,
        median: s.samples.length && !s.error ? median(s.samples) : null,
        error: s.error ? String(s.error) : null,
      },
  );
  const ratio = ra?.median != null && rb?.median != null ? ra.median / rb.median : null;
  for (const r of [ra, rb]) {
    if (r?.median != null)
      console.log(
        `   ${r.label.padEnd(6)} median ${fmt(r.median).padStart(12)}   [${fmt(Math.min(...r.samples))} … ${fmt(Math.max(...r.samples))}]`,
      );
  }
  if (ratio !== null) console.log(`   ratio ${ra.label}/${rb.label} = ${ratio.toFixed(2)}`);
  if (note) console.log(`   note: ${note}`);
  return {
    runtime: RUNTIME,
    name,
    group,
    metric,
    unit,
    better,
    rounds: Math.max(ra?.samples.length ?? 0, rb?.samples.length ?? 0),
    note,
    a: ra,
    b: rb,
    ratio,
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
  };
}

// ---------------------------------------------------------------------------------------------
// Memory per live entity

/**
 * Call before creating the entities, keep them alive, then call `.bytesPerEntity(n)`. Reports the
 * growth of the JS heap (heapUsed) and of `external` memory, which includes ArrayBuffers and wasm
 * linear memory (where wasio's core keeps its timers), per entity, after forced collections.
 * Needs --expose-gc; returns null without it. Wasm memory only grows, so only the first pass in a
 * process sees it grow.
 */
export function memoryProbe() {
  if (!globalThis.gc) return null;
  gc();
  gc();
  const before = process.memoryUsage();
  return {
    bytesPerEntity(n) {
      gc();
      gc();
      const after = process.memoryUsage();
      const heap = (after.heapUsed - before.heapUsed) / n;
      const external = (after.external - before.external) / n;
      return { heap, external, total: heap + external };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// docs/benchmarks.md

export const INTRO = `# Benchmarks

Each workload runs wasio and a plain Node.js equivalent written the idiomatic way (\`setTimeout\`,
promises, async functions). The two sides run **alternately in the same process** (wasio, Node,
wasio, Node, …), with the garbage collector forced between runs, so that noise on the machine falls
on both alike. The figure for each side is the **median** of its rounds (7 by default, 3 when a run
takes longer than 5 s), and the **ratio** is wasio's median divided by Node's: for times and bytes
below 1 means wasio is ahead, for rates (\`…/s\`) above 1 does. Each workload runs in a fresh
\`node --expose-gc\` process. Delays come from one seeded PRNG, so both sides see the same sequence.
Then the same workload runs again under Deno (the project's own, \`deno run -A --v8-flags=--expose-gc\`):
wasio on Deno against the same idiomatic script run by Deno (its own promises and timers), in the
Deno columns.

The workloads live in \`scripts/bench/\`, one per file, each with a comment saying what it measures.
Run them all with \`npm run bench\` (or \`node scripts/bench/all.mjs [names…]\`), or one alone with
\`node --expose-gc scripts/bench/<name>.mjs [--quick] [--rounds N] [--write]\` (or
\`npx deno run -A --v8-flags=--expose-gc scripts/bench/<name>.mjs …\` for Deno's columns alone;
\`--no-deno\` to \`all.mjs\` runs Node alone). The sections below are
rewritten by those commands; edit outside the \`<!-- bench:… -->\` markers only.
`;

function machine() {
  const cpus = os.cpus();
  const runtime = RUNTIME === "Deno" ? `Deno ${globalThis.Deno.version.deno}` : `Node ${process.version}`;
  return `${cpus[0]?.model ?? "unknown CPU"} ×${cpus.length}, ${os.platform()}-${os.arch()}, ${runtime}`;
}

export function fmt(x) {
  if (x == null || Number.isNaN(x)) return "—";
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(3)).toString();
}

const cell = (s) => String(s).replaceAll("|", "\\|");

/**
 * One table: a row per workload, with the figures of each runtime that ran it side by side (on
 * Deno, the baseline is the same idiomatic script run by Deno); "—" where a runtime did not run.
 */
function section(name, results, command) {
  const A = results[0].a?.label ?? "wasio";
  const B = results[0].b?.label ?? "Node";
  const rows = [];
  for (const r of results) {
    const row = rows.find((x) => x.name === r.name) ?? rows[rows.push({ name: r.name, first: r }) - 1];
    row[r.runtime ?? "Node"] = r;
  }
  const figures = (r) =>
    r ? [fmt(r.a?.median), fmt(r.b?.median), r.ratio === null ? "—" : r.ratio.toFixed(2)] : ["—", "—", "—"];
  const lines = rows.map(({ first: r, Node, Deno }) => {
    const what = `${r.name}: ${r.metric ? r.metric + ", " : ""}${r.unit}, ${r.better} is better`;
    const machines = [...new Set([Node, Deno].filter(Boolean).map((x) => x.machine))].join("; ");
    const rounds = [Node, Deno]
      .filter(Boolean)
      .map((x) => x.rounds)
      .join(" / ");
    return `| ${[what, ...figures(Node), ...figures(Deno), rounds, r.date, machines, `\`${command}\``].map(cell).join(" | ")} |`;
  });
  const notes = results.filter((r) => r.note).map((r) => `\n${r.name} (${r.runtime ?? "Node"}): ${r.note}.`);
  return [
    `<!-- bench:${name} -->`,
    `### ${name}`,
    "",
    `| workload | Node: ${A} | Node: ${B} | Node: ratio | Deno: ${A} | Deno: ${B} (run by Deno) | Deno: ratio | rounds | date | machine | command |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ...lines,
    ...notes,
    `<!-- /bench:${name} -->`,
  ].join("\n");
}

/**
 * Replaces the `<!-- bench:NAME -->` … `<!-- /bench:NAME -->` section of docs/benchmarks.md with a
 * table of `results` (one compare() result or an array), creating the file or appending the
 * section when missing. NAME is `options.section`, else the first result's group.
 */
export function writeResults(results, command, { section: name, file = DOCS } = {}) {
  results = [results].flat();
  name ??= results[0].group ?? results[0].name;
  const block = section(name, results, command);
  let text = existsSync(file) ? readFileSync(file, "utf8") : INTRO;
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close, start);
  if (start >= 0 && end >= 0) text = text.slice(0, start) + block + text.slice(end + close.length);
  else text = text.replace(/\n*$/, "\n\n") + block + "\n";
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote section "${name}" of ${file}`);
}
