// Real I/O: streams over host sockets, DNS, executors, signals.
export {
  ThreadPoolExecutor,
  type ThreadPoolExecutorOptions,
  type ExecutorShutdownOptions,
} from "./executor/thread-pool-executor.js";
export { toThread } from "./executor/run-in-executor.js";
export type { JobFunction } from "./executor/job-spec.js";
export {
  getaddrinfo,
  type AddrInfo,
  type GetaddrinfoOptions,
  AI_PASSIVE,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_V4MAPPED,
  AI_ALL,
  AI_ADDRCONFIG,
  AI_NUMERICSERV,
} from "./dns/getaddrinfo.js";
export { NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD } from "./dns/getnameinfo.js";
export { KeyboardInterrupt } from "./signals/keyboard-interrupt.js";
export * from "./streams/index.js"; // openConnection, startServer, StreamReader, StreamWriter, Server
export * from "./transports/index.js"; // Protocol, BufferedProtocol, DatagramProtocol, Transport
export * from "./subprocess/index.js"; // createSubprocessExec, createSubprocessShell, Process, PIPE, STDOUT, DEVNULL
export * from "./unix/index.js"; // openUnixConnection, startUnixServer
export * from "./tls/index.js"; // TlsOptions, TlsCallOptions, StartTlsOptions
export type { SockAddr, ConnectOptions } from "../hosts/socket-api.js"; // addresses in Node's shape, connect options
export { runWasi, type RunWasiOptions, type WasiModule } from "./wasi/run-wasi.js";
export { newEventLoop, getEventLoop, setEventLoop } from "./current-event-loop.js";
