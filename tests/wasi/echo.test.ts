// build/examples/echo.wasm, the AssemblyScript TCP echo command on wasio's loop, run by
// `wasio run --tcplisten` under the runtime that runs this suite (Node, and Deno), on real sockets
// on 127.0.0.1: `listening`, every byte of 256 concurrent clients echoed, 1 MiB messages echoed
// whole, a client that stops reading for a while (so echo's sends stop fitting and it waits for
// writability) still gets every byte in order, then `done N` and exit 0 after N connections
// closed (N defaults to 1). node:wasi and
// wasmtime's Python embedding have no sockets, so this is where the echo cells of docs/wasi.md
// come from.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { connect } from "node:net";
import { join } from "node:path";
import { EXAMPLES, describe, linesOf } from "./commands.js";
import { echoClients, freePort, wasio } from "./wasio-run-helpers.js";

const ECHO = join(EXAMPLES, "echo.wasm");

/** Runs echo.wasm with `args`; once it says `listening`, runs `load(port)` against it. */
async function serveWith<T>(args: string[], load: (port: number) => Promise<T>) {
  const port = await freePort();
  let served: Promise<T> | null = null;
  const run = await wasio(["run", "--tcplisten", `127.0.0.1:${port}`, ECHO, ...args], {
    timeoutMs: 60_000,
    stdin: "ignore",
    onStdout: (line) => {
      if (line === "listening") served = load(port);
    },
  });
  return { run, result: served === null ? null : await served };
}

async function serve(args: string[], clients: number, rounds: number, size: number) {
  const { run, result } = await serveWith(args, (port) => echoClients(port, clients, rounds, size));
  return { run, ok: result ?? -1 };
}

/**
 * Sends `total` bytes (a counting pattern) without reading for the first `stallMs`, so the echo
 * fills the socket buffers both ways; then reads everything. Resolves with the bytes that came
 * back and how many of them were out of place.
 */
function stalledClient(port: number, total: number, stallMs: number): Promise<{ got: number; misplaced: number }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1");
    const chunk = new Uint8Array(1 << 16).map((_, i) => i & 255);
    let sent = 0,
      got = 0,
      misplaced = 0;
    s.pause();
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!s.write(chunk)) {
          s.once("drain", pump);
          return;
        }
      }
    };
    s.on("connect", () => {
      pump();
      setTimeout(() => s.resume(), stallMs);
    });
    s.on("data", (d: Uint8Array) => {
      for (let i = 0; i < d.length; i++) if (d[i] !== ((got + i) & 255)) misplaced++;
      got += d.length;
      if (got === total) s.end();
    });
    s.on("close", () => resolve({ got, misplaced }));
    s.on("error", reject);
  });
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

test("echo: a client that stops reading makes echo wait for writability, and still gets every byte in order", async () => {
  const total = 16 << 20; // far past both sockets' buffers on loopback
  const { run, result } = await serveWith(["1"], (port) => stalledClient(port, total, 1000));
  assert.equal(linesOf(run), ["listening", "done 1"], describe(run));
  assert.is(run.code, 0, describe(run));
  assert.equal(result, { got: total, misplaced: 0 });
});

test("echo: N defaults to 1", async () => {
  const { run, ok } = await serve([], 1, 3, 10);
  assert.equal(linesOf(run), ["listening", "done 1"], describe(run));
  assert.is(run.code, 0, describe(run));
  assert.is(ok, 1);
});

test.run();
