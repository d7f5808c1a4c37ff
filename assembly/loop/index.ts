// wasio's event loop for WASI commands written in AssemblyScript. Import it as "wasio/loop" (asc
// resolves it to this package's assembly/loop/), and the WASI calls that go with it as "wasio/wasi".
// See docs/wasi.md.

export { Callback, FdCallback, Handle } from "./handle";
export {
  addReader, addWriter, callAt, callLater, callSoon, cancel, removeReader, removeWriter, run, stop, time,
} from "./loop";
