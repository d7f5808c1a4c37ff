#!/usr/bin/env node
// wasio run [--env K=V]… [--dir HOST::GUEST]… [--tcplisten HOST:PORT]… [-S tcplisten=HOST:PORT]
//           MODULE.wasm [ARGS…]
// Runs a WASI preview1 command on wasio's loop (Node ≥ 20.16, or `deno run -A bin/wasio.mjs run …`).
// Exit status: the module's proc_exit code (0 when _start returns), 134 after a trap, 1 when the
// module cannot run, 2 for a bad command line, 130 after Ctrl-C (SIGINT stops the module).

import { readFileSync } from "node:fs";
import process from "node:process";
import { KeyboardInterrupt, run, runWasi } from "../dist/wasio.js";

const USAGE = "usage: wasio run [--env NAME=VALUE]... [--dir HOST::GUEST]... [--tcplisten HOST:PORT]... MODULE.wasm [ARGS...]";

function fail(message, status) {
  process.stderr.write(`wasio: ${message}\n`);
  process.exitCode = status;
}

function parse(argv) {
  if (argv[0] === "--help" || argv[0] === "-h") return { help: true };
  if (argv[0] !== "run") throw new Error(argv.length === 0 ? "no command given" : `unknown command ${JSON.stringify(argv[0])} (only \"run\" exists)`);
  const opts = { env: {}, dirs: [], tcpListen: [] };
  let i = 1;
  const value = (flag) => {
    if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
    return argv[++i];
  };
  for (; i < argv.length && argv[i].startsWith("-"); i++) {
    let a = argv[i], v = null;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const val = () => v ?? value(a);
    if (a === "--") { i++; break; }
    if (a === "--env") {
      const kv = val(), k = kv.indexOf("=");
      if (k <= 0) throw new Error(`--env needs NAME=VALUE, got ${JSON.stringify(kv)}`);
      opts.env[kv.slice(0, k)] = kv.slice(k + 1);
    } else if (a === "--dir") {
      const d = val(), k = d.indexOf("::");
      opts.dirs.push(k < 0 ? [d, d] : [d.slice(0, k), d.slice(k + 2)]);
    } else if (a === "--tcplisten") {
      opts.tcpListen.push(val());
    } else if (a === "-S") {
      for (const s of value(a).split(",")) {
        if (!s.startsWith("tcplisten=")) throw new Error(`unsupported -S option ${JSON.stringify(s)} (only tcplisten=HOST:PORT)`);
        opts.tcpListen.push(s.slice("tcplisten=".length));
      }
    } else {
      throw new Error(`unknown flag ${a}`);
    }
  }
  if (i >= argv.length) throw new Error("no module given");
  opts.module = argv[i];
  opts.args = argv.slice(i + 1);
  return opts;
}

let opts;
try {
  opts = parse(process.argv.slice(2));
} catch (err) {
  fail(`${err.message}\n${USAGE}`, 2);
}
if (opts?.help) process.stdout.write(USAGE + "\n");
else if (opts !== undefined) {
  let bytes;
  try {
    bytes = readFileSync(opts.module);
  } catch (err) {
    fail(`cannot read ${opts.module}: ${err.code ?? err.message}`, 1);
  }
  if (bytes !== undefined) {
    try {
      const code = await run(function* () {
        const name = opts.module.split(/[\\/]/).pop();
        return yield* runWasi(bytes, { programName: name, args: opts.args, env: opts.env, dirs: opts.dirs, tcpListen: opts.tcpListen });
      });
      process.exitCode = code;
    } catch (err) {
      // Ctrl-C cancels the module (run() turns SIGINT into cancellation): 130, as a shell reports.
      if (err instanceof KeyboardInterrupt) process.exitCode = 130;
      else fail(`${opts.module}: ${err.message}`, 1);
    }
    // Everything the guest held is closed; a stray handle must not keep the process alive.
    setTimeout(() => process.exit(), 2000).unref();
  }
}
