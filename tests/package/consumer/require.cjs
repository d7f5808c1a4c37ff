// CommonJS: require("wasio") and require.resolve("wasio/core.wasm"), then instantiate the core
// with a stub WASI clock, fd_fdstat_get and poll_oneoff (the ABI of docs/abi.md) and check a
// timer comes back.
const { runSync, sleep, getRunningLoop, VirtualHost, CancelledError } = require("wasio");
const { readFileSync } = require("node:fs");

const t = runSync(
  function* () {
    yield* sleep(250);
    return getRunningLoop().time();
  },
  { host: new VirtualHost() },
);
if (t !== 250 || typeof CancelledError !== "function") throw new Error(`require: got ${t}`);

const path = require.resolve("wasio/core.wasm");
const mod = new WebAssembly.Module(readFileSync(path));
let memory;
const instance = new WebAssembly.Instance(mod, {
  wasi_snapshot_preview1: {
    clock_time_get: (_id, _precision, out) => {
      new DataView(memory.buffer).setBigUint64(out, 0n, true);
      return 0;
    },
    fd_fdstat_get: (_fd, _stat) => 0,
    poll_oneoff: (_subs, _events, _n, nout) => {
      new DataView(memory.buffer).setUint32(nout, 0, true);
      return 0;
    },
  },
});
memory = instance.exports.memory;
instance.exports._initialize();
instance.exports.timer_add(42);
if (instance.exports.timer_count() !== 1 || instance.exports.timer_next() !== 42)
  throw new Error("core.wasm: timer not added");
console.log("require ok:", path.endsWith("core.wasm"));
