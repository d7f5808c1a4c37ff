// Frames of a task for getStack, printStack and the call graph: what JavaScript lets us see.
//
// A suspended generator exposes no frames (no function name, no line): a suspended task's frames
// are its coroutines — the root one, then those run through `call()`, outermost first — shown as
// coroutine entries. The running task (the one calling) is on the JS stack, so its frames come
// from a captured stack trace: the lines above the task's step, innermost first, down to its
// root coroutine (V8's format, which Node and Deno share). Coroutines awaited with plain
// `yield*` are invisible while suspended: only `call()` keeps the chain.

import type { Coroutine } from "./coroutine.js";

/** One frame: a function on the JS stack (name, file, line), or a suspended coroutine. */
export interface Frame {
  /** The function's name ("<anonymous>" when unknown; "coroutine" for a suspended one). */
  name: string;
  /** The script, when known. */
  file: string | null;
  /** The line, when known. */
  line: number | null;
  /** The suspended coroutine this frame stands for (null for a JS stack frame). */
  coroutine: Coroutine<unknown> | null;
}

const V8_FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):\d+\)?$/;

/** The frames of the running task: JS stack lines above its step, innermost first, `skip` of the topmost dropped. */
export function runningFrames(skip: number): Frame[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const frames: Frame[] = [];
  const lines = stack.split("\n").slice(1 + skip + 1); // the Error line, this function, then `skip`
  for (const line of lines) {
    const m = V8_FRAME.exec(line);
    if (m === null) continue;
    const name = m[1] ?? "<anonymous>";
    if (/(^|\.)(_step|_resume|_advance)$/.test(name)) break; // the task's step: below are the loop's frames
    if (name === "Generator.next" || name === "Generator.throw" || name.endsWith("Generator.next")) continue;
    frames.push({ name: name.replace(/^Object\./, ""), file: m[2], line: Number(m[3]), coroutine: null });
  }
  return frames;
}

/** A frame for a suspended coroutine. */
export function coroutineFrame(coro: Coroutine<unknown>): Frame {
  return { name: "coroutine", file: null, line: null, coroutine: coro };
}

/** One line for a frame, in the shape of Python's traceback lines. */
export function formatFrame(f: Frame): string {
  if (f.coroutine !== null) return `suspended coroutine (${Object.prototype.toString.call(f.coroutine).slice(8, -1)})`;
  return `File ${JSON.stringify(f.file)}, line ${f.line}, in ${f.name}()`;
}
