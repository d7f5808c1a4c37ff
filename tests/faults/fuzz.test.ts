// A seeded bad-argument fuzz over every export of the package root: each export is called (or
// constructed, and then each method of what it made is called) with random ill-typed and
// out-of-range arguments, inside a running loop on a VirtualHost and outside any loop. Every call
// must return or throw a designed error — never an engine error such as "Cannot read properties
// of undefined" — coroutines and futures it returns are run and must end (or end once cancelled),
// and the loop must stay usable. Bounded (CALLS per export) and deterministic: the seed is printed
// and WASIO_FUZZ_SEED=n replays a run.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as wasio from "../../src/index.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { runSync } from "../../src/run.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { isCoroutine } from "../../src/tasks/coroutine.js";
import { Future } from "../../src/tasks/future.js";
import { wait } from "../../src/tasks/wait.js";
import { rng } from "../core/test-provider.js";

const SEED = Number(process.env.WASIO_FUZZ_SEED ?? 20261206);
const CALLS = Number(process.env.WASIO_FUZZ_CALLS ?? 40);
/** The suite's own output; the console is muted while the tests run (see below). */
const say = console.log.bind(console);
say(`fuzz seed ${SEED} (WASIO_FUZZ_SEED=${SEED} replays it), ${CALLS} calls per export and method`);

const random = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

/** Bad (and a few good) argument values; functions make fresh ones per call. */
const VALUES: (() => unknown)[] = [
  () => undefined,
  () => null,
  () => 0,
  () => -1,
  () => 1,
  () => 2.5,
  () => NaN,
  () => Infinity,
  () => -Infinity,
  () => 2 ** 53,
  () => -0,
  () => "",
  () => "x",
  () => "100",
  () => "127.0.0.1",
  () => true,
  () => false,
  () => Symbol("fuzz"),
  () => 10n,
  () => ({}),
  () => [],
  () => [300, -1],
  () => [[]],
  () => Object.create(null),
  () => new Uint8Array(3),
  () => new Date(0),
  () => () => undefined,
  () =>
    function* () {
      /* empty */
    },
  () =>
    (function* () {
      /* empty */
    })(),
  () =>
    (function* () {
      yield;
      return 1;
    })(),
  () => ({ then: 1 }),
  () => new Map(),
  () => new Error("e"),
  () => ({ host: {} }),
  () => ({ limit: "1" }),
  () => ({ timeout: "1" }),
  () => ({ name: 5 }),
  () => ({ maxsize: -1 }),
  () => new Proxy({}, {}),
];

const ENGINE =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not a constructor|Cannot convert|Cannot destructure|Invalid array length|Maximum call stack|Cannot mix BigInt|Cannot create property|Cannot use .in. operator|Reduce of empty|Invalid typed array length|offset is out of bounds|Invalid time value|object is not extensible|Cannot assign to read only/;

interface Finding {
  call: string;
  what: string;
}
const findings: Finding[] = [];
let calls = 0;

function describeArg(v: unknown): string {
  try {
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "symbol") return v.toString();
    if (typeof v === "function") return "fn";
    if (Array.isArray(v)) return `[${v.map(describeArg).join(",")}]`;
    if (v !== null && typeof v === "object")
      return Object.getPrototypeOf(v) === null ? "nullproto" : (v.constructor?.name ?? "object");
    return String(v);
  } catch {
    return typeof v;
  }
}

function check(call: string, error: unknown): void {
  if (error instanceof Error) {
    if (ENGINE.test(error.message) && !(error as { designed?: boolean }).designed)
      findings.push({ call, what: `${error.name}: ${error.message}` });
  }
  // A non-Error thrown value is one the fuzz itself handed in (setException(1), say), rethrown.
}

function args(): unknown[] {
  const n = Math.floor(random() * 4);
  return Array.from({ length: n }, () => pick(VALUES)());
}

/** What the fuzz left to await: coroutines and futures its calls returned. */
const awaitables: { call: string; aw: Future<unknown> | Coroutine<unknown> }[] = [];

function consider(call: string, result: unknown): void {
  if (result instanceof Promise) {
    result.catch((e) => check(call, e));
    return;
  }
  if (result instanceof Future || isCoroutine(result)) awaitables.push({ call, aw: result as Future<unknown> });
}

function attempt(call: string, fn: () => unknown): unknown {
  calls++;
  try {
    const r = fn();
    consider(call, r);
    return r;
  } catch (e) {
    check(call, e);
    return undefined;
  }
}

/** Runs what the calls returned: each must end by itself or once cancelled (no stranded task). */
function* settle(): Coroutine<void> {
  while (awaitables.length > 0) {
    const { call, aw } = awaitables.shift()!;
    let fut: Future<unknown>;
    try {
      fut = aw instanceof Future ? aw : wasio.createTask(aw as Coroutine<unknown>);
    } catch (e) {
      check(`${call} (as a task)`, e);
      continue;
    }
    if (fut.getLoop() !== getRunningLoop() || fut === wasio.currentTask()) continue; // another loop's, or the fuzz itself
    yield* wait([fut], { timeout: 50 });
    if (!fut.done()) {
      fut.cancel();
      yield* wait([fut], { timeout: 50 });
    }
    if (!fut.done()) {
      findings.push({ call, what: `stranded: ${fut} did not end after cancel()` });
      continue;
    }
    if (!fut.cancelled()) {
      const e = fut.exception();
      if (e !== null) check(`${call} (awaited)`, e);
    }
  }
}

/**
 * Members declared `private` in the declarations the build emits (TypeScript keeps their names
 * there): not part of the API, so not fuzzed. Iterator-protocol methods are left out too
 * (`throw(e)` rethrows `e` by design).
 */
const PRIVATE = new Set<string>(["throw", "next", "return"]);
(function collectPrivates(dir: string): void {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) collectPrivates(p);
    else if (f.endsWith(".d.ts"))
      for (const m of readFileSync(p, "utf8").matchAll(
        /^\s+(?:private|protected) (?:readonly )?(?:static )?(?:abstract )?(\w+)/gm,
      ))
        PRIVATE.add(m[1]);
  }
})(join(process.cwd(), "build", "types"));

function methodsOf(obj: object): string[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(obj); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k === "constructor" || k.startsWith("_") || PRIVATE.has(k)) continue;
      const d = Object.getOwnPropertyDescriptor(p, k)!;
      if (typeof d.value === "function") names.add(k);
    }
  }
  names.delete("then"); // a thenable's then: its promise is checked by consider()
  return [...names].sort();
}

const isClass = (f: unknown) => typeof f === "function" && /^class\b/.test(Function.prototype.toString.call(f));

/** Calls each method of `obj` with random arguments. */
function fuzzMethods(label: string, obj: object): void {
  for (const m of methodsOf(obj)) {
    if (process.env.WASIO_FUZZ_TRACE) say(`fuzz: ${label}.${m}`);
    for (let i = 0; i < Math.ceil(CALLS / 4); i++) {
      const a = args();
      attempt(`${label}.${m}(${a.map(describeArg).join(", ")})`, () =>
        (obj as Record<string, (...x: unknown[]) => unknown>)[m](...a),
      );
    }
  }
}

/** Closes what a fuzzed object may hold open (a loop left running, a host's listeners, a pool's workers). */
function release(obj: object): void {
  let running: unknown = null;
  try {
    running = getRunningLoop();
  } catch {
    /* outside a loop */
  }
  for (const m of ["stop", "close", "shutdown"]) {
    if (obj === running) break; // the loop this check runs in is the check's own to end
    const f = (obj as Record<string, unknown>)[m];
    if (typeof f !== "function") continue;
    try {
      const r = (f as () => unknown).call(obj);
      if (r instanceof Promise) r.catch(() => undefined);
    } catch {
      /* closing a half-broken object may refuse */
    }
  }
}

/** Well-formed instances whose methods get bad arguments. */
function goodInstances(): [string, () => object][] {
  const loop = getRunningLoop();
  return [
    ["Lock", () => new wasio.Lock()],
    ["Event", () => new wasio.Event()],
    ["Condition", () => new wasio.Condition()],
    ["Semaphore", () => new wasio.Semaphore(2)],
    ["BoundedSemaphore", () => new wasio.BoundedSemaphore(2)],
    ["Barrier", () => new wasio.Barrier(2)],
    ["Queue", () => new wasio.Queue(2)],
    ["PriorityQueue", () => new wasio.PriorityQueue()],
    ["LifoQueue", () => new wasio.LifoQueue()],
    ["TaskGroup", () => new wasio.TaskGroup()],
    ["Timeout", () => wasio.timeout(5)],
    ["Future", () => new Future(loop)],
    [
      "Task",
      () =>
        wasio.createTask(
          (function* () {
            yield;
          })(),
        ),
    ],
    ["StreamReader", () => new wasio.StreamReader()],
    ["VirtualHost", () => new VirtualHost()],
    ["EventLoop", () => new wasio.EventLoop({ host: new VirtualHost() })],
    ["Handle", () => loop.callSoon(() => undefined)],
    ["TimerHandle", () => loop.callLater(1, () => undefined)],
    ["ExceptionGroup", () => new wasio.ExceptionGroup("g", [new Error("a")])],
    ["gather", () => wasio.gather([])],
    ["asCompleted", () => wasio.asCompleted([]) as unknown as object],
  ];
}

// Exports that are namespaces of constants, or that a fuzz must not call at random.
const SKIP = new Set<string>([
  "run", // makes a loop on the default host; checked separately below
]);

function fuzzExport(name: string, value: unknown): void {
  if (typeof value !== "function" || SKIP.has(name)) return;
  if (process.env.WASIO_FUZZ_TRACE) say(`fuzz: ${name}`);
  for (let i = 0; i < CALLS; i++) {
    const a = args();
    const call = `${isClass(value) ? "new " : ""}${name}(${a.map(describeArg).join(", ")})`;
    const made = attempt(call, () =>
      isClass(value)
        ? new (value as new (...x: unknown[]) => unknown)(...a)
        : (value as (...x: unknown[]) => unknown)(...a),
    );
    if (made !== null && typeof made === "object" && isClass(value) && i < 3) fuzzMethods(call, made as object);
    if (made !== null && typeof made === "object" && !(made instanceof Future)) release(made as object);
  }
}

/** Runs `body` in a fresh loop on a VirtualHost; a deadlock or a loop crash is a finding. */
function inLoop(label: string, body: () => void): void {
  try {
    runSync(
      function* () {
        getRunningLoop().setExceptionHandler(() => undefined); // reports are expected; crashes are not
        body();
        yield* settle();
        // The loop is still usable: a timer and a task run.
        const t = wasio.createTask(wasio.sleep(1, "still usable"));
        assert.is(yield* t, "still usable");
      },
      { host: new VirtualHost() },
    );
  } catch (e) {
    findings.push({
      call: label,
      what: `the loop failed: ${e instanceof Error ? `${e.name}: ${e.message}` : describeArg(e)}`,
    });
    awaitables.length = 0;
  }
}

// The default exception handler, printStack() and printCallGraph() write to the console when the
// fuzz calls them: the suite mutes the console while it runs (their output is not what it checks),
// and writes its own lines through `say`.
const quiet = { log: console.log, error: console.error, warn: console.warn };
test.before(() => {
  console.log = console.error = console.warn = () => undefined;
});
test.after(() => {
  console.log = quiet.log;
  console.error = quiet.error;
  console.warn = quiet.warn;
});

test("every export, called with bad arguments inside a running loop, returns or throws a designed error", () => {
  for (const [name, value] of Object.entries(wasio).sort(([a], [b]) => a.localeCompare(b))) {
    inLoop(`inside a loop: ${name}`, () => fuzzExport(name, value));
  }
  report();
});

test("the methods of well-formed objects, called with bad arguments, return or throw designed errors", () => {
  inLoop("methods", () => {
    for (const [label, make] of goodInstances()) {
      const obj = attempt(`${label} (well-formed)`, make);
      if (obj !== undefined && obj !== null) fuzzMethods(label, obj as object);
      if (obj !== undefined && obj !== null && !(obj instanceof Future)) release(obj as object);
    }
  });
  report();
});

test("every export, called with bad arguments outside any loop, returns or throws a designed error", () => {
  for (const [name, value] of Object.entries(wasio).sort(([a], [b]) => a.localeCompare(b))) fuzzExport(name, value);
  awaitables.length = 0; // nothing can run them here; what they hold is collected
  report();
});

test("run() with bad arguments rejects with designed errors", async () => {
  for (let i = 0; i < CALLS; i++) {
    const a = args();
    const call = `run(${a.map(describeArg).join(", ")})`;
    try {
      await (wasio.run as (...x: unknown[]) => Promise<unknown>)(...a);
    } catch (e) {
      check(call, e);
    }
  }
  report();
});

function report(): void {
  const lines = findings.splice(0).map((f) => `  ${f.call} -> ${f.what}`);
  say(`fuzz: ${calls} calls so far`);
  assert.ok(lines.length === 0, `seed ${SEED}: ${lines.length} calls failed:\n${lines.slice(0, 60).join("\n")}`);
}

test.run();
