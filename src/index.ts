// wasio: asyncio for TypeScript and WebAssembly. The public API (README.md, docs/).

export {
  CancelledError,
  TimeoutError,
  InvalidStateError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  BrokenBarrierError,
  IncompleteReadError,
  LimitOverrunError,
  ExceptionGroup,
  BaseException,
  KeyboardInterrupt,
  SystemExit,
  BaseExceptionGroup,
  exceptStar,
  SendfileNotAvailableError,
  type ErrorMatcher,
} from "./errors.js";
export { EventLoop, type EventLoopOptions, type ExceptionHandler, type ExceptionContext } from "./io/event-loop.js";
export { EventLoop as SelectorEventLoop } from "./io/event-loop.js"; // asyncio's name for the same (selector) loop
export { BaseEventLoop, BaseEventLoop as AbstractEventLoop } from "./loop/event-loop.js"; // the loop's base class answers asyncio's instanceof checks
export { Handle, TimerHandle } from "./loop/handle.js";
export { getRunningLoop } from "./loop/running.js";
export type { Host, WasiImports } from "./hosts/host.js";
export { VirtualHost, type VirtualHostOptions } from "./hosts/virtual-host.js";
export { NodeHost } from "./hosts/node/node-host.js";
export { Future } from "./tasks/future.js";
export { Task, type TaskOptions, isFutureLike as isFuture } from "./tasks/task.js";
export type { Coroutine, Awaitable } from "./tasks/coroutine.js";
export { ensureFuture } from "./tasks/ensure-future.js";
export { currentTask, allTasks } from "./tasks/current.js";
export { createTask } from "./tasks/create-task.js";
export { sleep } from "./tasks/sleep.js";
export { run, runSync, type RunOptions } from "./run.js";
export { Server as AbstractServer } from "./io/streams/server.js"; // asyncio's base of Server: the one server class
export { Runner, type RunnerOptions } from "./runner.js";
export { asyncWith, type AsyncContextManager } from "./tasks/async-with.js";
export * from "./tasks/index.js"; // combinators, timeouts, TaskGroup
export * from "./sync/index.js"; // locks, events, conditions, semaphores, barriers, queues
export * from "./io/index.js"; // streams, DNS, executor, signals
export * from "./simulation/index.js"; // explore, replay, waitAllTasksBlocked, onHost (deterministic simulation)
// Interop and debugging: AbortSignal, context variables, events, async iteration, race.
export { ContextVar, Context, Token, copyContext, LookupError } from "./loop/context.js";
export type { CallOptions, TaskFactory } from "./loop/event-loop.js";
export { once, on } from "./tasks/events.js";
export { race } from "./tasks/race.js";
export { forAwait, toAsyncIterable } from "./tasks/async-iteration.js";
export {
  captureCallGraph,
  formatCallGraph,
  printCallGraph,
  type FutureCallGraph,
  type FrameCallGraphEntry,
  type CallGraphOptions,
} from "./tasks/call-graph.js";
export type { Frame } from "./tasks/frames.js";
