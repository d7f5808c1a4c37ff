// The abort handler for WASI commands built on wasio's loop: writes the message to stderr and
// exits with status 134 (what wasmtime gives a trapping command on Unix). Select it with
// `asc --use abort=wasio/wasi/abort/abortCommand` (or this file's path inside the repository).

import { exit, print } from "./index";

export function abortCommand(message: string | null, fileName: string | null, line: u32, column: u32): void {
  print(2, "abort: " + (message !== null ? message : "") + " at " +
    (fileName !== null ? fileName : "?") + ":" + line.toString() + ":" + column.toString() + "\n");
  exit(134);
}
