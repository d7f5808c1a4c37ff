// explore and replay: run a simulated program under many seeds and stop at the first that fails.
//
// A program is a coroutine function that gets the simulated world (the VirtualHost's network:
// links, faults, DNS, clocks, the trace) and the host. Each run is a fresh VirtualHost with one
// seed, driven by runSync, so a run is a pure function of (program, seed, options): the same
// trace hash on every run and on every engine. A run fails when the program throws, when an
// error reaches the loop's exception handler (a server's handler task that failed, a task whose
// exception nobody retrieved), when an invariant does not hold, or when the loop deadlocks.
// `until` bounds a run in simulated time: a program still running then is cancelled and passes.
//
// The failing seed is printed with a one-line command that replays it: the same command line
// with WASIO_SEED=<seed> set, which makes explore run that seed alone.

import { CancelledError } from "../errors.js";
import type { FaultOptions } from "../hosts/sim/sim-faults.js";
import type { SimNetwork } from "../hosts/sim/sim-network.js";
import { VirtualHost } from "../hosts/virtual-host.js";
import { getRunningLoop } from "../loop/running.js";
import { runSync } from "../run.js";
import type { Coroutine } from "../tasks/coroutine.js";
import { wait } from "../tasks/wait.js";

/** A simulated program: gets the world (the network) and the host, runs as the main task. */
export type SimProgram<T = unknown> = (world: SimNetwork, host: VirtualHost) => Coroutine<T>;

export interface ReplayOptions {
  /** Simulated ms a run may take; a program still running then is cancelled and passes. */
  until?: number;
  /** Random faults drawn from the seed (true: a default mix). */
  faults?: FaultOptions | boolean;
  /** Recent trace events kept as text (default 64). */
  traceKeep?: number;
}

export interface ExploreOptions extends ReplayOptions {
  /** How many seeds (1 … n) or which ones (default 100). */
  seeds?: number | Iterable<number>;
  /** Where the failure report goes (default console.log); null for nowhere. */
  log?: ((line: string) => void) | null;
}

/** The outcome of one simulated run. */
export interface SimRun<T = unknown> {
  seed: number;
  ok: boolean;
  /** What failed the run (undefined when ok). */
  error: unknown;
  /** The program's result (undefined when it failed or was cut off by `until`). */
  result: T | undefined;
  /** The trace hash (8 hex digits) and number of events. */
  hash: string;
  events: number;
  /** Simulated ms at the end of the run. */
  time: number;
  /** The last trace events as text. */
  trace: string[];
}

export interface ExploreResult<T = unknown> {
  ok: boolean;
  /** Runs made (up to and including the failing one). */
  runs: number;
  /** The failing run, or null. */
  failure: SimRun<T> | null;
  /** The one-line command that replays the failure, or null. */
  replayCommand: string | null;
}

/** Runs `program` once on a fresh VirtualHost with `seed` (what a failing seed's test calls). */
export function replay<T>(seed: number, program: SimProgram<T>, options: ReplayOptions = {}): SimRun<T> {
  checkProgram(program);
  checkOptions(options, "replay");
  return runSeed(seed, program, options, true);
}

/** One run; the trace's text is made only when `withTail` or the run failed (it costs a few %). */
function runSeed<T>(seed: number, program: SimProgram<T>, options: ReplayOptions, withTail: boolean): SimRun<T> {
  const until = options.until;
  if (until !== undefined && (typeof until !== "number" || !(until >= 0) || !Number.isFinite(until))) {
    throw typeof until !== "number"
      ? new TypeError(`until must be a number of ms, got ${typeof until}`)
      : new RangeError(`until must be a finite number of ms >= 0, got ${until}`);
  }
  const host = new VirtualHost({ seed, faults: options.faults, traceKeep: options.traceKeep });
  const world = host.network;
  const reported: unknown[] = [];
  let error: unknown;
  let failed = false;
  let result: T | undefined;
  try {
    result = runSync(
      function* (): Coroutine<T | undefined> {
        const loop = getRunningLoop();
        loop.setExceptionHandler((_loop, ctx) => {
          reported.push(ctx.exception ?? new Error(ctx.message));
        });
        const task = loop.createTask(program(world, host), { name: "simulated program" });
        if (until === undefined) return yield* task;
        const [done] = yield* wait([task], { timeout: until });
        if (done.size > 0) return task.result();
        task.cancel();
        try {
          yield* task;
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
        }
        return undefined;
      },
      { host },
    );
  } catch (e) {
    error = e;
    failed = true;
  }
  if (!failed && reported.length > 0) {
    error = reported[0];
    failed = true;
  }
  return {
    seed,
    ok: !failed,
    error,
    result: failed ? undefined : result,
    hash: world.trace.hash(),
    events: world.trace.count,
    time: host.now(),
    trace: withTail || failed ? world.trace.tail() : [],
  };
}

/**
 * Runs `program` under each seed until one fails; prints that seed, the error, the end of its
 * trace and a command that replays it. With WASIO_SEED set, runs that seed alone.
 */
export function explore<T>(program: SimProgram<T>, options: ExploreOptions = {}): ExploreResult<T> {
  checkProgram(program);
  checkOptions(options, "explore");
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const forced = envSeed();
  const seeds = forced !== null ? [forced] : seedList(options.seeds ?? 100);
  let runs = 0;
  const started = performance.now();
  for (const seed of seeds) {
    runs++;
    const run = runSeed(seed, program, options, false);
    if (run.ok) continue;
    const cmd = `WASIO_SEED=${seed} ${commandLine()}`;
    if (log !== null) {
      const took = (performance.now() - started).toFixed(1);
      log(
        `explore: seed ${seed} failed after ${runs} run(s) (${took} ms), at ${run.time.toFixed(3)} simulated ms: ${describe(run.error)}`,
      );
      log(`explore: trace ${run.hash} (${run.events} events), last ${run.trace.length}:`);
      for (const line of run.trace) log(`  ${line}`);
      log(`explore: replay with: ${cmd}`);
    }
    return { ok: false, runs, failure: run, replayCommand: cmd };
  }
  if (log !== null) log(`explore: ${runs} seed(s) passed (${(performance.now() - started).toFixed(1)} ms)`);
  return { ok: true, runs, failure: null, replayCommand: null };
}

function seedList(seeds: number | Iterable<number>): Iterable<number> {
  if (typeof seeds === "number") {
    if (!Number.isInteger(seeds) || seeds < 0)
      throw new RangeError(`seeds must be a count >= 0 or a list of seeds, got ${seeds}`);
    return {
      *[Symbol.iterator]() {
        for (let s = 1; s <= seeds; s++) yield s;
      },
    };
  }
  if (seeds === null || typeof (seeds as Iterable<number>)[Symbol.iterator] !== "function") {
    throw new TypeError(`seeds must be a count or an iterable of seeds, got ${seeds === null ? "null" : typeof seeds}`);
  }
  return seeds;
}

function checkProgram(program: unknown): void {
  if (typeof program !== "function")
    throw new TypeError(`the program must be a coroutine function, got ${program === null ? "null" : typeof program}`);
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** WASIO_SEED from the environment, or null. */
function envSeed(): number | null {
  const g = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env: { get(k: string): string | undefined } };
  };
  let v: string | undefined;
  try {
    v = g.Deno !== undefined ? g.Deno.env.get("WASIO_SEED") : g.process?.env?.WASIO_SEED;
  } catch {
    v = undefined; // no permission to read the environment
  }
  if (v === undefined || v === "") return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`WASIO_SEED must be an integer in [0, 2^32), got ${JSON.stringify(v)}`);
  return n;
}

/** The command line of this process, to prefix with WASIO_SEED. */
function commandLine(): string {
  const g = globalThis as { process?: { argv?: string[] }; Deno?: { mainModule: string; args: string[] } };
  if (g.Deno !== undefined) return ["deno", "run", "-A", g.Deno.mainModule, ...g.Deno.args].map(quote).join(" ");
  if (g.process?.argv !== undefined) return ["node", ...g.process.argv.slice(1)].map(quote).join(" ");
  return "<the command that ran explore>";
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Options are an object (or left out). */
function checkOptions(options: unknown, fn: string): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${fn}() options must be an object, got ${options === null ? "null" : typeof options}`);
  }
}
