// `wasio run`: the real bin on C programs compiled with clang + wasi-libc, under the runtime
// running this suite (Node, then Deno): exit status, args and environment, stdin readiness,
// nanosleep, sockets on fd 3 with many clients, host directories, and every kind of bad input.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { connect } from "node:net";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cProgram, echoClients, freePort, wasio, ROOT } from "./wasio-run-helpers.js";

test("a C program's exit status, arguments and environment come through, and nanosleep sleeps at least as asked", async () => {
  const r = await wasio(["run", "--env", "WASIO_GREETING=hi there", cProgram("sleep"), "60", "7", "a b", "c"]);
  assert.is(r.stdout, "slept\narg: a b\narg: c\ngreeting: hi there\n", r.stderr);
  assert.is(r.code, 7);
});

test("returning from main exits 0 and the environment is empty unless given", async () => {
  const r = await wasio(["run", cProgram("sleep"), "1"]);
  assert.is(r.stdout, "slept\ngreeting: (none)\n", r.stderr);
  assert.is(r.code, 0);
});

test("poll() on a quiet stdin pipe times out, then sees each line when it comes, then end of input", async () => {
  let timeouts = 0;
  const r = await wasio(["run", cProgram("poll_stdin"), "40", "1000"], {
    stdin: (line, stdin) => {
      if (line === "timeout" && ++timeouts === 2) stdin.write("first\n");
      if (line === "got: first") stdin.end("second\n");
    },
  });
  const lines = r.stdout.trim().split("\n");
  assert.is(lines.slice(0, 2).join(","), "timeout,timeout", r.stdout + r.stderr);
  assert.ok(lines.includes("got: first"), r.stdout);
  assert.ok(lines.includes("got: second"), r.stdout);
  assert.is(lines[lines.length - 1], "eof");
  assert.is(r.code, 0);
});

test("poll() on a stdin pipe nobody writes to gives up after its timeouts (exit 3), never hanging", async () => {
  const r = await wasio(["run", cProgram("poll_stdin"), "20", "3"], { stdin: (_line, _stdin) => {} });
  assert.is(r.stdout, "timeout\ntimeout\ntimeout\n", r.stderr);
  assert.is(r.code, 3);
});

test("stdin from /dev/null and from a regular file is readable at once, then at end", async () => {
  const r = await wasio(["run", cProgram("poll_stdin"), "5000"], { stdin: "ignore" });
  assert.is(r.stdout, "eof\n", r.stderr);
  assert.is(r.code, 0);
  const file = join(mkdtempSync(join(tmpdir(), "wasio-run-")), "in.txt");
  writeFileSync(file, "from a file\n");
  const r2 = await wasio(["run", cProgram("poll_stdin"), "5000"], { stdin: { file } });
  assert.is(r2.stdout, "got: from a file\neof\n", r2.stderr);
});

test("the echo server on --tcplisten serves 64 clients at once, a 1 MiB message included, then exits", async () => {
  const port = await freePort();
  let clients: Promise<number[]> | null = null;
  const r = await wasio(["run", "--tcplisten", `127.0.0.1:${port}`, cProgram("echo_server"), "65"], {
    onStdout: (line) => {
      if (line === "listening")
        clients = Promise.all([echoClients(port, 64, 20, 100), echoClients(port, 1, 2, 1 << 20)]);
    },
    timeoutMs: 60_000,
  });
  assert.is(r.stdout, "listening\ndone 65\n", r.stderr);
  assert.is(r.code, 0);
  assert.equal(await clients, [64, 1]);
});

test("-S tcplisten=HOST:PORT is accepted as wasmtime spells it", async () => {
  const port = await freePort();
  let clients: Promise<number> | null = null;
  const r = await wasio(["run", "-S", `tcplisten=127.0.0.1:${port}`, cProgram("echo_server"), "3"], {
    onStdout: (line) => {
      if (line === "listening") clients = echoClients(port, 3, 5, 64);
    },
  });
  assert.is(r.stdout, "listening\ndone 3\n", r.stderr);
  assert.is(await clients, 3);
});

test("read()/write() on an accepted socket work, and a module that exits with the connection open closes it (the client sees the end)", async () => {
  const port = await freePort();
  let seen: Promise<string> | null = null;
  const r = await wasio(["run", "--tcplisten", `127.0.0.1:${port}`, cProgram("accept_exit")], {
    onStdout: (line) => {
      if (line !== "listening") return;
      seen = new Promise((resolve) => {
        const s = connect(port, "127.0.0.1");
        s.write("see you\n");
        let got = "";
        s.on("data", (d) => {
          got += d;
        });
        s.on("end", () => {
          resolve(got + "<end>");
          s.end();
        });
        s.on("error", (e) => resolve(`error ${e.message}`));
      });
    },
  });
  assert.is(r.code, 5, r.stderr);
  assert.is(await seen, "bye see you\n<end>");
});

test("--dir HOST::GUEST gives the program a host directory it can write, read and list", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wasio-dir-"));
  try {
    writeFileSync(join(dir, "log.txt"), "old\n");
    const r = await wasio(["run", "--dir", `${dir}::/data`, cProgram("files"), "/data", "hello, host"]);
    assert.ok(r.stdout.startsWith("read: hello, host\n"), r.stdout + r.stderr);
    assert.equal(
      r.stdout
        .split("\n")
        .filter((l) => l.startsWith("entry: "))
        .sort(),
      ["entry: log.txt", "entry: out.txt"],
    );
    assert.is(r.code, 0);
    assert.is(readFileSync(join(dir, "out.txt"), "utf8"), "hello, host");
    assert.is(readFileSync(join(dir, "log.txt"), "utf8"), "old\nline\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--dir: mkdir, create, rename, stat, seek, unlink and rmdir act on the host directory", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wasio-dir-"));
  try {
    const r = await wasio(["run", "--dir", `${dir}::/d`, cProgram("dirops"), "/d"]);
    assert.is(
      r.stdout,
      ["mkdir", "create", "rename", "stat", "seek+read", "old name gone", "unlink", "rmdir"]
        .map((s) => `ok ${s}\n`)
        .join(""),
      r.stderr,
    );
    assert.is(r.code, 0);
    assert.equal(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a path outside the preopened directory is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wasio-dir-"));
  try {
    const r = await wasio(["run", "--dir", `${dir}::/data`, cProgram("files"), "/data/../..", "x"]);
    assert.is.not(r.code, 0);
    assert.ok(/fopen w/.test(r.stderr), r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a trap exits 134 with the trap message on stderr, after what the program printed", async () => {
  const r = await wasio(["run", cProgram("trap")]);
  assert.is(r.stdout, "before\n");
  assert.is(r.code, 134);
  assert.match(r.stderr, /wasm trap: unreachable/);
});

test("bad input: a file that is not wasm, a module without _start, an unknown import, a missing file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wasio-bad-"));
  try {
    writeFileSync(join(dir, "text.wasm"), "not wasm at all");
    let r = await wasio(["run", join(dir, "text.wasm")]);
    assert.is(r.code, 1);
    assert.match(r.stderr, /not a WebAssembly module/);
    r = await wasio(["run", join(ROOT, "build", "core.wasm")]);
    assert.is(r.code, 1);
    assert.match(r.stderr, /no _start/);
    r = await wasio(["run", cProgram("unknown_import")]);
    assert.is(r.code, 1);
    assert.match(r.stderr, /unknown import: env\.mystery/);
    r = await wasio(["run", join(dir, "missing.wasm")]);
    assert.is(r.code, 1);
    assert.match(r.stderr, /cannot read .*missing\.wasm: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Ctrl-C (SIGINT) stops the module: exit status 130 (Node) or death by SIGINT (Deno), no message", async () => {
  const r = await wasio(["run", cProgram("poll_stdin"), "30", "100000"], {
    stdin: () => {},
    signalOn: { line: "timeout", signal: "SIGINT" },
  });
  assert.not.ok(r.timedOut);
  assert.ok(r.code === 130 || r.signal === "SIGINT", `code ${r.code}, signal ${r.signal}: ${r.stdout}${r.stderr}`);
  assert.is(r.stderr, "");
});

test("bad command lines exit 2 with a usage message", async () => {
  for (const args of [
    ["run", "--frobnicate", "x.wasm"],
    ["run"],
    ["jump"],
    ["run", "--env", "NOEQUALS", "x.wasm"],
    ["run", "-S", "inherit-network", "x.wasm"],
  ]) {
    const r = await wasio(args);
    assert.is(r.code, 2, args.join(" "));
    assert.match(r.stderr, /usage: wasio run/);
  }
});

test("a listener that cannot be bound (port in use, bad address) is a clear error, and the module never starts", async () => {
  const port = await freePort();
  const { createServer } = await import("node:net");
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(port, "127.0.0.1", resolve));
  try {
    const r = await wasio(["run", "--tcplisten", `127.0.0.1:${port}`, cProgram("accept_exit")]);
    assert.is(r.code, 1);
    assert.is(r.stdout, "");
    assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    const bad = await wasio(["run", "--tcplisten", "localhost", cProgram("accept_exit")]);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, /HOST:PORT/);
  } finally {
    srv.close();
  }
});

const EXAMPLE = (name: string): string => join(ROOT, "build", "examples", `${name}.wasm`);

test("the AssemblyScript ticker example: ticks while stdin is quiet, echoes a line, ends at end of input", async () => {
  let ticks = 0;
  const r = await wasio(["run", EXAMPLE("ticker")], {
    stdin: (line, stdin) => {
      if (line.startsWith("tick ") && ++ticks === 2) stdin.write("hello ticker\n");
      if (line === "line: hello ticker") stdin.end();
    },
  });
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.slice(0, 2), ["tick 1", "tick 2"], r.stdout + r.stderr);
  assert.ok(lines.includes("line: hello ticker"), r.stdout);
  assert.is(lines[lines.length - 1], "eof");
  assert.is(r.code, 0);
});

test("the AssemblyScript ticker example says idle and exits 3 when no input comes", async () => {
  const r = await wasio(["run", EXAMPLE("ticker")], { stdin: () => {} });
  assert.ok(r.stdout.startsWith("tick 1\n"), r.stdout + r.stderr);
  assert.ok(r.stdout.endsWith("idle\n"), r.stdout);
  assert.is(r.code, 3);
});

test("the AssemblyScript echo example serves 32 clients at once and exits with done 32", async () => {
  const port = await freePort();
  let clients: Promise<number> | null = null;
  const r = await wasio(["run", "--tcplisten", `127.0.0.1:${port}`, EXAMPLE("echo"), "32"], {
    onStdout: (line) => {
      if (line === "listening") clients = echoClients(port, 32, 10, 200);
    },
  });
  assert.is(r.stdout, "listening\ndone 32\n", r.stderr);
  assert.is(r.code, 0);
  assert.is(await clients, 32);
});

test.run();
