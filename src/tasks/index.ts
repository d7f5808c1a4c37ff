// The tasks layer's combinators, timeouts and TaskGroup. Future, Task, sleep, run,
// createTask, currentTask, allTasks and asyncWith are exported by src/index.ts directly.

export { gather, type GatheringFuture, type GatherOptions, type GatherResults, type AwaitedOf } from "./gather.js";
export { wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, type WaitOptions, type ReturnWhen } from "./wait.js";
export { waitFor } from "./wait-for.js";
export { asCompleted, type AsCompletedIterator, type AsCompletedOptions } from "./as-completed.js";
export { shield } from "./shield.js";
export { Timeout, timeout, timeoutAt } from "./timeout.js";
export { TaskGroup } from "./task-group.js";
export { fromPromise } from "./from-promise.js";
export { call, type CallFuture } from "./call.js";
export { isCoroutine } from "./coroutine.js";
export { isCoroutineFunction } from "./is-coroutine-function.js";
export { wrapFuture } from "./wrap-future.js";
export { runCoroutineThreadsafe, ConcurrentFuture } from "./run-coroutine-threadsafe.js";
export { eagerTaskFactory, createEagerTaskFactory } from "./eager-task-factory.js";
