// The public EventLoop: the base loop (src/loop/event-loop.ts) completed with what needs the I/O
// layer — a thread pool, DNS, process signals — as asyncio's unix loop completes its base loop.
// Each method is a thin front; the work is done in src/io/executor, src/io/dns and src/io/signals.
//
// The base loop's module declares an `EventLoop` interface that the layers below name; the
// declaration at the end of this file adds this class's members to it, so that type is this
// class's type and no lower layer imports this file.

import { BaseEventLoop } from "../loop/event-loop.js";
import { runInExecutor, shutdownDefaultExecutor } from "./executor/run-in-executor.js";
import type { ThreadPoolExecutor } from "./executor/thread-pool-executor.js";
import type { JobFunction } from "./executor/job-spec.js";
import { loopGetaddrinfo, type AddrInfo, type GetaddrinfoOptions } from "./dns/getaddrinfo.js";
import { addSignalHandler, removeSignalHandler } from "./signals/signal-handlers.js";
import type { Future } from "../tasks/future.js";

export type { EventLoopOptions, ExceptionHandler, ExceptionContext } from "../loop/event-loop.js";

/** The event loop: timers, fd callbacks, the ready queue and drivers, executors, DNS, signals. */
export class EventLoop extends BaseEventLoop {
  /**
   * Runs `exportName(...args)` of module `moduleUrl` on a worker thread of `executor` (null: this
   * loop's default pool) and returns a Future of its result (asyncio's run_in_executor, with a
   * module export instead of a function: functions cannot cross threads). Arguments and result
   * cross by structured clone; cancelling the Future drops the result of a job already running.
   */
  runInExecutor<F extends JobFunction = JobFunction>(
    executor: ThreadPoolExecutor | null, moduleUrl: string | URL, exportName: string, ...args: Parameters<F>
  ): Future<Awaited<ReturnType<F>>> {
    return runInExecutor<F>(this, executor, moduleUrl, exportName, args);
  }

  /** Shuts the default executor down; the Future is done when its workers have exited. */
  shutdownDefaultExecutor(): Future<void> {
    return shutdownDefaultExecutor(this);
  }

  /** Resolves `host` and `port` off the loop's thread (asyncio's getaddrinfo); see src/io/dns. */
  getaddrinfo(host: string | null, port?: number | string | null, options?: GetaddrinfoOptions): Future<AddrInfo[]> {
    return loopGetaddrinfo(this, host, port, options);
  }

  /** Runs `cb(...args)` as a loop callback each time the process gets `sig` ("SIGINT", …); replaces a previous handler. */
  addSignalHandler(sig: string, cb: (...args: any[]) => unknown, ...args: unknown[]): void {
    addSignalHandler(this, sig, cb, args);
  }

  /** Removes the handler for `sig`, restoring the default behaviour; false if there was none. */
  removeSignalHandler(sig: string): boolean {
    return removeSignalHandler(this, sig);
  }
}

type PublicEventLoop = EventLoop;

declare module "../loop/event-loop.js" {
  /** The members the I/O layer adds: the type every layer names is the full public loop. */
  interface EventLoop extends PublicEventLoop {}
}
