// wasio's event loop for WASI commands written in AssemblyScript. An asc user imports it as
// "wasio/assembly/loop" (asc resolves a package's files from its root in node_modules), and the
// WASI calls that go with it as "wasio/assembly/wasi". See docs/wasi.md.

export { Callback, FdCallback, Handle } from "./handle";
export {
  addReader, addWriter, callAt, callLater, callSoon, cancel, removeReader, removeWriter, run, stop, time,
} from "./loop";
