// build/examples/echo.wasm, the AssemblyScript TCP echo command on wasio's loop, run by
// `wasio run --tcplisten` under the runtime that runs this suite (Node, and Deno), on real sockets
// on 127.0.0.1: `listening`, every byte of 256 concurrent clients echoed, 1 MiB messages echoed
// whole, then `done N` and exit 0 after N connections closed (N defaults to 1). node:wasi and
// wasmtime's Python embedding have no sockets, so this is where the echo cells of docs/wasi.md
// come from.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { EXAMPLES, describe, linesOf } from "./commands.js";
import { echoClients, freePort, wasio } from "./wasio-run-helpers.js";

const ECHO = join(EXAMPLES, "echo.wasm");

/** Runs echo.wasm with `args`; once it says `listening`, runs `clients` against it. */
async function serve(args: string[], clients: number, rounds: number, size: number) {
  const port = await freePort();
  let served: Promise<number> | null = null;
  const run = await wasio(["run", "--tcplisten", `127.0.0.1:${port}`, ECHO, ...args], {
    timeoutMs: 60_000,
    stdin: "ignore",
    onStdout: (line) => { if (line === "listening") served = echoClients(port, clients, rounds, size); },
  });
  return { run, ok: served === null ? -1 : await served };
}

test("echo: 256 concurrent clients get every byte back, then `done 256` and exit 0", async () => {
  const { run, ok } = await serve(["256"], 256, 20, 64);
  assert.equal(linesOf(run), ["listening", "done 256"], describe(run));
  assert.is(run.code, 0, describe(run));
  assert.is(ok, 256, "clients whose every echo matched");
});

test("echo: 1 MiB messages come back whole", async () => {
  const { run, ok } = await serve(["3"], 3, 2, 1 << 20);
  assert.equal(linesOf(run), ["listening", "done 3"], describe(run));
  assert.is(run.code, 0, describe(run));
  assert.is(ok, 3);
});

test("echo: N defaults to 1", async () => {
  const { run, ok } = await serve([], 1, 3, 10);
  assert.equal(linesOf(run), ["listening", "done 1"], describe(run));
  assert.is(run.code, 0, describe(run));
  assert.is(ok, 1);
});

test.run();
