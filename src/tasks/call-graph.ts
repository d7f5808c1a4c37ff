// Call graphs (Python 3.14's asyncio.capture_call_graph / format_call_graph / print_call_graph):
// for a future or task, its frames and, recursively, who awaits it.
//
// Nothing is recorded while the program runs: "who awaits F" is read from F's done callbacks at
// capture time — a Task waiting on F is itself one of them; a gather's and a TaskGroup's shared
// callback leave their owner in F's `_owner` slot (a TaskGroup counts as its parent task); other
// wasio callbacks that stand for an awaiter (shield, a ChildLink of gather, a promoted call())
// carry it as `_awaiter` (or `outer`). So capturing costs O(callbacks) per level and the running
// program pays nothing. Frames are those of getStack (frames.ts). Ids are the tasks' numbers
// (Task-N) and, for other futures, numbers given on first capture.

import { getRunningLoop } from "../loop/running.js";
import { describe } from "../checks.js";
import { formatFrame, runningFrames, type Frame } from "./frames.js";
import { Future } from "./future.js";
import { Task } from "./task.js";

/** One frame of a call graph. */
export interface FrameCallGraphEntry {
  frame: Frame;
}

/** A future, its frames (for a task) and the graphs of what awaits it. */
export interface FutureCallGraph {
  future: Future<unknown>;
  callStack: FrameCallGraphEntry[];
  awaitedBy: FutureCallGraph[];
}

export interface CallGraphOptions {
  /** For the current task: how many of the innermost frames to leave out (default 1: the caller of captureCallGraph is kept). */
  depth?: number;
  /** Keep at most this many frames per call stack (the innermost ones). */
  limit?: number;
}

/**
 * The call graph of `future` (default: the current task); null when there is no current task.
 * Captured from the running task, its own frames come from the JS stack.
 */
export function captureCallGraph(future?: Future<unknown> | null, options?: CallGraphOptions): FutureCallGraph | null {
  return capture(future, options);
}

function capture(
  future: Future<unknown> | null | undefined,
  options: CallGraphOptions | undefined,
): FutureCallGraph | null {
  const depth = options?.depth ?? 1;
  const limit = options?.limit;
  if (typeof depth !== "number" || !(depth >= 0))
    throw new RangeError(`depth must be a non-negative number, got ${depth}`);
  if (limit !== undefined && (typeof limit !== "number" || !(limit >= 0)))
    throw new RangeError(`limit must be a non-negative number, got ${limit}`);
  if (future === undefined || future === null) {
    future = getRunningLoop()._currentTask;
    if (future === null) return null;
  } else if (!(future instanceof Future)) {
    throw new TypeError(`captureCallGraph() needs a Future or a Task, got ${describe(future)}`);
  }
  return graphOf(future, limit, depth, new Set());
}

function graphOf(
  fut: Future<unknown>,
  limit: number | undefined,
  skip: number,
  seen: Set<Future<unknown>>,
): FutureCallGraph {
  seen.add(fut);
  let frames: Frame[] = [];
  if (fut instanceof Task) {
    if (fut._loop._currentTask === fut)
      frames = runningFrames(skip + 2); // innermost first; graphOf and capture left out
    else frames = fut._frames(undefined, 0).reverse();
    if (limit !== undefined) frames = frames.slice(0, limit);
  }
  const awaitedBy: FutureCallGraph[] = [];
  for (const a of awaitersOf(fut)) if (!seen.has(a)) awaitedBy.push(graphOf(a, limit, 0, seen));
  return { future: fut, callStack: frames.map((frame) => ({ frame })), awaitedBy };
}

/** The futures that await `fut`, read from its done callbacks. */
function awaitersOf(fut: Future<unknown>): Future<unknown>[] {
  const out: Future<unknown>[] = [];
  const add = (a: unknown): void => {
    if (a instanceof Future && !out.includes(a)) out.push(a);
  };
  const cbs: unknown[] = [];
  if (fut._cb0 !== null) cbs.push(fut._cb0);
  if (fut._cbs !== null) cbs.push(...fut._cbs);
  for (const cb of cbs) {
    if (cb instanceof Task) add(cb);
    else if (cb !== null && (typeof cb === "object" || typeof cb === "function")) {
      const c = cb as { _awaiter?: unknown; outer?: unknown };
      if (c._awaiter !== undefined) add(c._awaiter);
      else if (c.outer instanceof Future) add(c.outer);
    }
  }
  const owner = fut._owner as { _parentTask?: unknown } | null;
  if (owner instanceof Future) add(owner);
  else if (owner !== null && owner._parentTask !== undefined) add(owner._parentTask);
  return out;
}

const futureIds = new WeakMap<Future<unknown>, number>();
let nextFutureId = 0;

function title(fut: Future<unknown>): string {
  if (fut instanceof Task) return `Task(name=${JSON.stringify(fut.getName())}, id=${fut._nameNumber})`;
  let id = futureIds.get(fut);
  if (id === undefined) futureIds.set(fut, (id = ++nextFutureId));
  return `${fut._kind()}(id=f${id})`;
}

/** The call graph of `future` (default: the current task) as text, in Python 3.14's layout; "" when there is none. */
export function formatCallGraph(future?: Future<unknown> | null, options?: CallGraphOptions): string {
  const graph = capture(future, options);
  if (graph === null) return "";
  const lines: string[] = [];
  render(graph, lines, 0);
  return lines.join("\n");
}

function render(g: FutureCallGraph, lines: string[], level: number): void {
  const indent = "    ".repeat(level);
  lines.push(`${indent}* ${title(g.future)}`);
  if (g.callStack.length > 0) {
    lines.push(`${indent}  + Call stack:`);
    for (const e of g.callStack) lines.push(`${indent}  |   ${formatFrame(e.frame)}`);
  }
  if (g.awaitedBy.length > 0) {
    lines.push(`${indent}  + Awaited by:`);
    for (const a of g.awaitedBy) render(a, lines, level + 1);
  }
}

/** Prints `formatCallGraph(future, options)`; `write` defaults to console.log. */
export function printCallGraph(
  future?: Future<unknown> | null,
  options?: CallGraphOptions & { write?: (text: string) => void },
): void {
  const graph = capture(future, options);
  if (graph === null) return;
  const lines: string[] = [];
  render(graph, lines, 0);
  (options?.write ?? console.log)(lines.join("\n"));
}
