// Synchronization primitives and queues (asyncio.locks, asyncio.queues).
export {};
