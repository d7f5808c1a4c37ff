// build/examples/echo.wasm, the AssemblyScript TCP echo command on wasio's loop, run by
// `wasio run --tcplisten` on Node (real sockets on 127.0.0.1): `listening`, every byte of many
// concurrent clients echoed, messages larger than the socket buffers echoed whole (sends that do
// not fit wait for writability), then `done N` and exit 0 after N connections closed. node:wasi
// and wasmtime's Python embedding have no sockets, so this is the runtime the echo cells of
// docs/wasi.md come from.
// deno: skip — the command runs in a Node child whatever runs this suite; once is enough.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./children.js";
import { EXAMPLES, describe, runCommand } from "./commands.js";

const ECHO = join(EXAMPLES, "echo.wasm");
const BIN = join(repoRoot(), "bin", "wasio.mjs");

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** One client: `rounds` round trips of `size` bytes (its own byte value), checked byte by byte. */
function client(port: number, id: number, rounds: number, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const byte = 32 + (id % 90);
    const message = Buffer.alloc(size, byte);
    const s = connect(port, "127.0.0.1");
    let got = 0;
    let done = 0;
    s.on("connect", () => s.write(message));
    s.on("data", (d: Buffer) => {
      if (d.some((b) => b !== byte)) { s.destroy(); reject(new Error(`client ${id}: a foreign byte came back`)); return; }
      got += d.length;
      while (got >= size) {
        got -= size;
        if (++done === rounds) { s.end(); return; }
        s.write(message);
      }
    });
    s.on("close", () => resolve(done));
    s.on("error", reject);
  });
}

async function serve(args: string[], clients: (port: number) => Promise<number[]>) {
  const port = await freePort();
  let results: Promise<number[]> | null = null;
  const run = await runCommand(process.execPath, [BIN, "run", "--tcplisten", `127.0.0.1:${port}`, ECHO, ...args], {
    timeoutMs: 60_000,
    onLine: (line) => { if (line.text === "listening") results = clients(port); },
  });
  return { run, results: results === null ? null : await results };
}

test("echo under wasio run: 256 concurrent clients get every byte back, then `done 256` and exit 0", async () => {
  const { run, results } = await serve(["256"], (port) =>
    Promise.all(Array.from({ length: 256 }, (_, i) => client(port, i, 20, 64))));
  assert.equal(run.lines, ["listening", "done 256"], describe(run));
  assert.is(run.code, 0, describe(run));
  assert.equal(results, Array(256).fill(20));
});

test("echo under wasio run: 4 MiB messages, far past the socket buffers, come back whole", async () => {
  const { run, results } = await serve(["3"], (port) =>
    Promise.all(Array.from({ length: 3 }, (_, i) => client(port, i, 2, 4 << 20))));
  assert.equal(run.lines, ["listening", "done 3"], describe(run));
  assert.is(run.code, 0, describe(run));
  assert.equal(results, [2, 2, 2]);
});

test("echo under wasio run: N defaults to 1", async () => {
  const { run, results } = await serve([], (port) => Promise.all([client(port, 0, 3, 10)]));
  assert.equal(run.lines, ["listening", "done 1"], describe(run));
  assert.is(run.code, 0, describe(run));
  assert.equal(results, [3]);
});

test.run();
