// Real I/O: streams over host sockets, DNS, executors, signals.
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions, type ExecutorShutdownOptions } from "./executor/thread-pool-executor.js";
export { toThread } from "./executor/run-in-executor.js";
export type { JobFunction } from "./executor/job-spec.js";
export { getaddrinfo, type AddrInfo, type GetaddrinfoOptions, AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG, AI_NUMERICSERV } from "./dns/getaddrinfo.js";
export { KeyboardInterrupt } from "./signals/keyboard-interrupt.js";
export * from "./streams/index.js"; // openConnection, startServer, StreamReader, StreamWriter, Server
export { runWasi, type RunWasiOptions, type WasiModule } from "./wasi/run-wasi.js";
