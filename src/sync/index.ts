// Synchronization primitives and queues (asyncio.locks, asyncio.queues), one per file.
export { Lock } from "./lock.js";
export { Event } from "./event.js";
export { Condition } from "./condition.js";
export { Semaphore, BoundedSemaphore } from "./semaphore.js";
export { Barrier } from "./barrier.js";
export { Queue } from "./queue.js";
export { PriorityQueue, type PriorityQueueOptions } from "./priority-queue.js";
export { LifoQueue } from "./lifo-queue.js";
export { Held } from "./held.js";
