// Under Deno without --allow-net / --allow-run / --allow-write, every I/O call of this layer fails
// inside the coroutine that made it — an Error with code EACCES naming the missing flag — never as
// an uncaught error from a later tick. The calls run in a child `deno run --allow-read --allow-env`
// (Deno from the devDependency) importing the built bundle; this suite runs it from Node and Deno.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const CHILD = `
import * as w from "WASIO";
globalThis.addEventListener("error", (e) => { console.log(JSON.stringify({ uncaught: String(e.error) })); e.preventDefault(); });
const calls = {
  exec: () => w.createSubprocessExec("true"),
  tcp: () => w.openConnection("127.0.0.1", 9),
  server: () => w.startServer(() => {}, "127.0.0.1", 0),
  udp: () => w.getRunningLoop().createDatagramEndpoint(() => new w.DatagramProtocol(), { localAddr: ["127.0.0.1", 0] }),
  unix: () => w.openUnixConnection("/tmp/wasio-no-such.sock"),
  unixServer: () => w.startUnixServer(() => {}, "/tmp/wasio-no-such-server.sock"),
  tls: () => w.openConnection("127.0.0.1", 9, { ssl: true }),
  protocol: () => w.getRunningLoop().createServer(() => new w.Protocol(), "127.0.0.1", 0),
};
const out = {};
await w.run(function* () {
  for (const [name, call] of Object.entries(calls)) {
    try { yield* call(); out[name] = "no error"; } catch (e) { out[name] = e.code + " " + e.message; }
  }
});
console.log(JSON.stringify(out));
`;

test("without Deno's permissions, subprocess, TCP, UDP, Unix and TLS calls throw EACCES inside the coroutine", () => {
  const dist = join(process.cwd(), "dist/wasio.js");
  const deno = join(process.cwd(), "node_modules/.bin/deno");
  assert.ok(existsSync(dist), "dist/wasio.js is missing: build first");
  assert.ok(existsSync(deno), "node_modules/.bin/deno is missing: npm ci");
  const dir = mkdtempSync(join(tmpdir(), "wasio-perm-"));
  try {
    const file = join(dir, "child.mjs");
    writeFileSync(file, CHILD.replace("WASIO", pathToFileURL(dist).href));
    const r = spawnSync(deno, ["run", "--quiet", "--no-prompt", "--allow-read", "--allow-env", file], {
      encoding: "utf8",
      timeout: 30_000,
    });
    const lines = r.stdout.trim().split("\n");
    const result = JSON.parse(lines[lines.length - 1] || "{}") as Record<string, string>;
    assert.is(lines.length, 1, `one line of output, no uncaught error: ${r.stdout}${r.stderr}`);
    for (const name of ["exec", "tcp", "server", "udp", "unix", "unixServer", "tls", "protocol"]) {
      assert.match(result[name] ?? "missing", /^EACCES .*--allow-(net|run|write|read)/, `${name}: ${result[name]}`);
    }
    assert.match(result.exec, "--allow-run");
    assert.match(result.server, "--allow-net");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
