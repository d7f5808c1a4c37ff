// w7-wasi-echo: the C TCP echo server (tests/fixtures/wasi/c/echo_server.c) as a WASI command
// under `wasio run`, against the same C program compiled natively with gcc. Both get their
// listening socket as fd 3: `wasio run --tcplisten` for the guest; for the native program a
// python3 wrapper binds it, dup2()s it to fd 3 and execs the program. The load is W6's (the same
// Node `net` load client in a child process: 50 connections × 2,000 round trips × 64 B), the
// sides alternate, every run starts a fresh server process and its startup is not timed (the
// clock runs from the client's first write to its last reply). Then the same against `deno run -A
// bin/wasio.mjs run …`, for the Deno figure.
//
//   node scripts/bench/w7-wasi-echo.mjs [--quick] [--rounds N] [--write]
// Needs the C programs (scripts/wasi/build-c.sh: clang, wasi-libc, gcc) and python3.

import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compare, isMain, runMain } from "./harness.mjs";
import { CONNECTIONS, LoadClient, SIZE, TRIPS } from "./w6-echo.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WASM = join(ROOT, "build/c/echo_server.wasm");
const NATIVE = join(ROOT, "build/c/echo_server");
const BIN = join(ROOT, "bin/wasio.mjs");
const DENO = join(ROOT, "node_modules/.bin/deno");
const HOST = "127.0.0.1";
const WRAP =
  "import os, socket, sys\n" +
  "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n" +
  "s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(511)\n" +
  "os.dup2(s.fileno(), 3); os.set_inheritable(3, True); os.execv(sys.argv[3], sys.argv[3:])\n";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const commands = {
  "wasio run (Node)": (port, n) => [process.execPath, [BIN, "run", "--tcplisten", `${HOST}:${port}`, WASM, String(n)]],
  "wasio run (Deno)": (port, n) => [
    DENO,
    ["run", "-A", "--quiet", BIN, "run", "--tcplisten", `${HOST}:${port}`, WASM, String(n)],
  ],
  "native (gcc)": (port, n) => ["python3", ["-c", WRAP, HOST, String(port), NATIVE, String(n)]],
};

/** Starts the server `side`, waits for "listening", runs the load, waits for "done N"; → rt/s. */
async function serve(side, client, p) {
  const port = await freePort();
  const [cmd, args] = commands[side](port, p.conns);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const exited = new Promise((resolve) => child.on("close", resolve));
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("listening\n")) resolve();
    });
    child.on("close", (code) => reject(new Error(`${side} exited (${code}) before listening: ${out}`)));
  });
  const result = await new Promise((resolve) => client.start(port, p, resolve));
  const code = await exited;
  if (result instanceof Error) throw result;
  if (code !== 0 || !out.includes(`done ${p.conns}`)) throw new Error(`${side} ended with ${code}: ${out}`);
  return (p.conns * p.trips) / (result.ms / 1000);
}

export async function bench(_w, { quick, rounds } = {}) {
  execFileSync("bash", [join(ROOT, "scripts/wasi/build-c.sh")], { stdio: "inherit" });
  const p = { conns: CONNECTIONS, trips: quick ? TRIPS / 10 : TRIPS };
  const client = new LoadClient();
  const metric = `C echo server, ${p.conns} connections × ${p.trips.toLocaleString("en-US")} round trips of ${SIZE} B, listener on fd 3, Node net load client`;
  try {
    await serve("wasio run (Node)", client, { conns: p.conns, trips: 100 }); // warm-up (disk cache)
    const node = await compare({
      name: "w7-wasi-echo",
      metric,
      unit: "round trips/s",
      rounds,
      a: { label: "wasio run (Node)", fn: () => serve("wasio run (Node)", client, p) },
      b: { label: "native (gcc)", fn: () => serve("native (gcc)", client, p) },
    });
    const results = [node];
    if (existsSync(DENO)) {
      results.push(
        await compare({
          name: "w7-wasi-echo (Deno)",
          group: "w7-wasi-echo",
          metric,
          unit: "round trips/s",
          rounds: rounds ?? 3,
          a: { label: "wasio run (Deno)", fn: () => serve("wasio run (Deno)", client, p) },
          b: { label: "native (gcc)", fn: () => serve("native (gcc)", client, p) },
        }),
      );
    }
    return results;
  } finally {
    client.close();
  }
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
