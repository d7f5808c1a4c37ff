// Runner: asyncio.Runner — one event loop for several run() calls, closed when the runner is.
//
// The loop is made on first use (getLoop() or run()): loopFactory() when given, else a new
// EventLoop on `host`, which then becomes the current event loop (setEventLoop) until close().
// Every run() runs its coroutine as a task in the runner's one context (copied at first use), so
// context variables set by one run are seen by the next, as in asyncio. run() from inside a
// running loop, or on a closed runner, throws. close() cancels the tasks still alive, lets them
// finish, reports what they leave behind and closes the loop; it does nothing on a runner never
// used. `await using runner = new Runner()` closes it at the end of the block. On Node and Deno,
// SIGINT cancels the task of the running run(), which then throws KeyboardInterrupt.

import type { Host } from "./hosts/host.js";
import { checkHost, describe } from "./checks.js";
import { EventLoop } from "./io/event-loop.js";
import { setEventLoop } from "./io/current-event-loop.js";
import { cancelLeftTasks, cancelLeftTasksSync, runMainTask } from "./run.js";
import { copyContext, type Context } from "./loop/context.js";
import { _getRunningLoop } from "./loop/running.js";
import { isCoroutine, type Coroutine } from "./tasks/coroutine.js";
import type { Task } from "./tasks/task.js";

export interface RunnerOptions {
  /** Debug mode of the loop (default: the loop's own default). */
  debug?: boolean;
  /** The host of the loop the runner makes (ignored with loopFactory). */
  host?: Host;
  /** Makes the loop instead (it is not made the current event loop). */
  loopFactory?: () => EventLoop;
}

const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);

type Main<T> = Coroutine<T> | (() => Coroutine<T>);

export class Runner {
  private state: "created" | "initialized" | "closed" = "created";
  private loop: EventLoop | null = null;
  private context: Context | null = null;
  private madeCurrent = false;
  private readonly options: RunnerOptions;

  constructor(options: RunnerOptions = {}) {
    if (options === null || typeof options !== "object")
      throw new TypeError(`Runner options must be an object, got ${describe(options)}`);
    if (options.loopFactory !== undefined && typeof options.loopFactory !== "function")
      throw new TypeError(`loopFactory must be a function, got ${describe(options.loopFactory)}`);
    if (options.host !== undefined) checkHost(options.host);
    this.options = { ...options };
  }

  /** The runner's loop (made now if it was not yet). */
  getLoop(): EventLoop {
    return this.init();
  }

  /** Runs `main` to completion on the runner's loop; (a promise of) its result. */
  run<T>(main: Main<T>, options?: { context?: Context }): Promise<T> {
    try {
      const [loop, task] = this.start(main, options);
      return runMainTask(loop, task);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** `run` on a host that can block (VirtualHost): returns the result directly. */
  runSync<T>(main: Main<T>, options?: { context?: Context }): T {
    const [loop, task] = this.start(main, options);
    return loop.runUntilCompleteSync<T>(task);
  }

  /** Cancels what is left on the loop, waits for it, and closes the loop. */
  async close(): Promise<void> {
    const loop = this.loop;
    if (this.state !== "initialized" || loop === null) return;
    try {
      await cancelLeftTasks(loop);
    } finally {
      this.finish(loop);
    }
  }

  /** `close` on a host that can block. */
  closeSync(): void {
    const loop = this.loop;
    if (this.state !== "initialized" || loop === null) return;
    try {
      cancelLeftTasksSync(loop);
    } finally {
      this.finish(loop);
    }
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  private finish(loop: EventLoop): void {
    if (this.madeCurrent) setEventLoop(null);
    loop.close();
    this.loop = null;
    this.state = "closed";
  }

  private start<T>(main: Main<T>, options: { context?: Context } | undefined): [EventLoop, Task<T>] {
    if (_getRunningLoop() !== null) throw new Error("Runner.run() cannot be called from a running event loop");
    const coro = typeof main === "function" ? main() : main;
    if (!isCoroutine(coro))
      throw new TypeError(`Runner.run() needs a coroutine or a generator function, got ${describe(main)}`);
    const loop = this.init();
    return [loop, loop.createTask(coro as Coroutine<T>, { context: options?.context ?? this.context! })];
  }

  private init(): EventLoop {
    if (this.state === "closed") throw new Error("Runner is closed");
    if (this.loop !== null) return this.loop;
    const o = this.options;
    let loop: EventLoop;
    if (o.loopFactory === undefined) {
      loop = new EventLoop({ host: o.host });
      setEventLoop(loop);
      this.madeCurrent = true;
    } else {
      loop = o.loopFactory();
      if (!(loop instanceof EventLoop))
        throw new TypeError(`loopFactory must return an EventLoop, got ${describe(loop)}`);
    }
    if (o.debug !== undefined) loop.setDebug(o.debug);
    this.loop = loop;
    this.context = copyContext();
    this.state = "initialized";
    return loop;
  }
}
