// Subprocesses (asyncio.subprocess): createSubprocessExec, createSubprocessShell, Process.
export {
  createSubprocessExec,
  createSubprocessShell,
  PIPE,
  STDOUT,
  DEVNULL,
  type SubprocessOptions,
} from "./create-subprocess.js";
export { Process } from "./process.js";
export { SubprocessProtocol, SubprocessTransport } from "./subprocess-transport.js";
