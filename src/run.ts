// run / runSync: asyncio.run — a new loop runs `main` to completion, then the tasks still alive
// are cancelled and allowed to finish, exceptions they leave behind are reported, and the loop is
// closed.

import type { Host } from "./hosts/host.js";
import { EventLoop } from "./io/event-loop.js";
import { _getRunningLoop } from "./loop/running.js";
import { checkHost, describe } from "./checks.js";
import { allTasks } from "./tasks/current.js";
import { isCoroutine, type Coroutine } from "./tasks/coroutine.js";
import { gatherForShutdown } from "./tasks/shutdown.js";
import type { Task, TaskOptions } from "./tasks/task.js";
import { interruptMainOnSigint, type MainInterrupt } from "./io/signals/run-sigint.js";

export interface RunOptions {
  debug?: boolean;
  host?: Host;
  /** Cancels the main task when it aborts. */
  signal?: AbortSignal;
}

type Main<T> = Coroutine<T> | (() => Coroutine<T>);

function start<T>(main: Main<T>, options: RunOptions | undefined): [EventLoop, Coroutine<T>] {
  if (options !== undefined && (options === null || typeof options !== "object"))
    throw new TypeError(`run() options must be an object, got ${describe(options)}`);
  if (_getRunningLoop() !== null) throw new Error("run() cannot be called from a running event loop");
  const coro = typeof main === "function" ? main() : main;
  if (!isCoroutine(coro)) throw new TypeError(`run() needs a coroutine or a generator function, got ${describe(main)}`);
  return [new EventLoop({ host: options?.host, debug: options?.debug }), coro as Coroutine<T>];
}

function mainOptions(options: RunOptions | undefined): TaskOptions | undefined {
  return options?.signal === undefined ? undefined : { signal: options.signal };
}

/**
 * Runs `main` on a new loop and returns (a promise of) its result; the loop is closed after. On
 * Node and Deno, SIGINT (Ctrl-C) cancels `main`, and run() then throws KeyboardInterrupt.
 */
export async function run<T>(main: Main<T>, options?: RunOptions): Promise<T> {
  const [loop, coro] = start(main, options);
  try {
    return await runMainTask(loop, loop.createTask(coro, mainOptions(options)));
  } finally {
    try {
      await cancelLeftTasks(loop);
    } finally {
      loop.close();
    }
  }
}

/** Runs `task` to its end on `loop`; SIGINT cancels it, and it then throws KeyboardInterrupt. */
export async function runMainTask<T>(loop: EventLoop, task: Task<T>): Promise<T> {
  let sigint: MainInterrupt | null = null; // SIGINT cancels main (asyncio.run); see io/signals/run-sigint.ts
  try {
    sigint = interruptMainOnSigint(loop, task as Task<unknown>);
    return await loop.runUntilComplete<T>(task);
  } catch (error) {
    throw sigint === null ? error : sigint.translate(error);
  } finally {
    sigint?.dispose();
  }
}

/** Cancels the tasks still alive on `loop` and lets them finish (what they leave is reported). */
export async function cancelLeftTasks(loop: EventLoop): Promise<void> {
  const left = allTasks(loop);
  if (left.size > 0) await loop.runUntilComplete(gatherForShutdown(loop, left));
}

/** `cancelLeftTasks` on a host that can block. */
export function cancelLeftTasksSync(loop: EventLoop): void {
  const left = allTasks(loop);
  if (left.size > 0) loop.runUntilCompleteSync(gatherForShutdown(loop, left));
}

/** `run` for hosts that can block (VirtualHost, WASI runtimes): returns the result directly. */
export function runSync<T>(main: Main<T>, options: RunOptions & { host: Host }): T {
  if (options === null || typeof options !== "object" || options.host === undefined)
    throw new TypeError("runSync() needs options.host (a host that can block, such as VirtualHost)");
  checkHost(options.host);
  if (!options.host.canBlock)
    throw new Error(`runSync() needs a host that can block; ${options.host.name} cannot (use run())`);
  const [loop, coro] = start(main, options);
  try {
    return loop.runUntilCompleteSync<T>(loop.createTask(coro, mainOptions(options)));
  } finally {
    try {
      cancelLeftTasksSync(loop);
    } finally {
      loop.close();
    }
  }
}
