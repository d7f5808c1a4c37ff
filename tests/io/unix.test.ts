// Unix domain sockets on the default host: streams and protocols over a socket file, a stale
// socket file replaced, a regular file or a too-long path refused with clear errors, and the
// socket file and every fd gone after close.

import { test } from "uvu";
import * as assert from "uvu/assert";
import net from "node:net";
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { Future } from "../../src/tasks/future.js";
import { openUnixConnection, startUnixServer } from "../../src/io/unix/index.js";
import { Protocol, type Transport } from "../../src/io/transports/index.js";
import { codeOf, echoLines, noFdsLeft, recordErrors, text } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "wasio-unix-"));
let n = 0;
const freshPath = () => join(dir, `s${n++}.sock`);

test("streams over a Unix socket: echo, then the socket file and every fd are gone after close", async () => {
  const path = freshPath();
  await run(function* () {
    const errors = recordErrors();
    const server = yield* startUnixServer(echoLines, path);
    assert.ok(statSync(path).isSocket());
    const [r, w] = yield* openUnixConnection(path);
    w.write("over a unix socket\n");
    assert.is(text(yield* r.readline()), "over a unix socket\n");
    w.close();
    yield* w.waitClosed();
    server.close();
    yield* server.waitClosed();
    yield* noFdsLeft();
    assert.equal(errors, []);
  });
  assert.not.ok(existsSync(path), "socket file removed");
});

test("a stale socket file left by a dead server is replaced", async () => {
  const path = freshPath();
  // A dead server's socket file: a hard link to a bound socket outlives the server's close.
  const bound = freshPath();
  const srv = net.createServer().listen(bound);
  await new Promise((resolve) => srv.on("listening", resolve));
  linkSync(bound, path);
  await new Promise((resolve) => srv.close(resolve));
  assert.ok(statSync(path).isSocket(), "stale socket file made");
  await run(function* () {
    const [code] = yield* codeOf(openUnixConnection(path));
    assert.is(code, "ECONNREFUSED"); // nobody listens on a stale socket
    const server = yield* startUnixServer(echoLines, path);
    const [r, w] = yield* openUnixConnection(path);
    w.write("fresh\n");
    assert.is(text(yield* r.readline()), "fresh\n");
    w.close();
    server.close();
    yield* server.waitClosed();
    yield* noFdsLeft();
  });
});

test("a regular file at the path fails with EADDRINUSE naming it, and is left untouched", async () => {
  const path = freshPath();
  writeFileSync(path, "precious");
  await run(function* () {
    const [code, message] = yield* codeOf(startUnixServer(echoLines, path));
    assert.is(code, "EADDRINUSE");
    assert.match(message, "a file that is not a socket exists at this path");
    yield* noFdsLeft();
  });
  assert.is(readFileSync(path, "utf8"), "precious");
});

test("a path too long for a socket address fails with ENAMETOOLONG inside the coroutine", async () => {
  const path = join(dir, "x".repeat(120));
  await run(function* () {
    const [code, message] = yield* codeOf(startUnixServer(echoLines, path));
    assert.is(code, "ENAMETOOLONG");
    assert.match(message, "at most 107");
    const [code2] = yield* codeOf(openUnixConnection(path));
    assert.is(code2, "ENAMETOOLONG");
    yield* noFdsLeft();
  });
  assert.not.ok(existsSync(path));
});

test("connecting to a path where nothing is fails with ENOENT", async () => {
  await run(function* () {
    const [code] = yield* codeOf(openUnixConnection(join(dir, "nobody-here.sock")));
    assert.is(code, "ENOENT");
    yield* noFdsLeft();
  });
});

test("protocols over a Unix socket: createUnixServer / createUnixConnection, and abort() closes without a reset error", async () => {
  const path = freshPath();
  await run(function* () {
    const loop = getRunningLoop();
    const errors = recordErrors();
    class Echo extends Protocol {
      t!: Transport;
      override connectionMade(t: Transport): void {
        this.t = t;
      }
      override dataReceived(d: Uint8Array): void {
        this.t.write(d);
      }
    }
    class Client extends Protocol {
      got = "";
      lost = new Future<unknown>(loop);
      override dataReceived(d: Uint8Array): void {
        this.got += text(d);
      }
      override connectionLost(exc: unknown): void {
        this.lost.setResult(exc);
      }
    }
    const server = yield* loop.createUnixServer(() => new Echo(), path);
    const [t, p] = yield* loop.createUnixConnection(() => new Client(), path);
    t.write("ping");
    while (p.got.length < 4) yield;
    assert.is(p.got, "ping");
    t.abort();
    assert.is(yield* p.lost, null);
    server.close();
    yield* server.waitClosed();
    yield* noFdsLeft();
    assert.equal(errors, []);
  });
});

test("Unix socket calls check their arguments", async () => {
  await run(function* () {
    const [code] = yield* codeOf(openUnixConnection(""));
    assert.is(code, "EINVAL");
    assert.throws(() => startUnixServer(null as any, freshPath()), TypeError);
  });
});

test("a Unix server's address() is its path, and the streams' sockname/peername are as on Linux (the path where bound, \"\" for the client's own end)", async () => {
  const path = freshPath();
  await run(function* () {
    const accepted = new Future<[unknown, unknown]>(getRunningLoop());
    const server = yield* startUnixServer((_r, w) => {
      accepted.setResult([w.getExtraInfo("sockname"), w.getExtraInfo("peername")]);
      w.close();
    }, path);
    assert.equal(server.address(), { address: path, port: 0, family: "unix" });
    const [, w] = yield* openUnixConnection(path);
    assert.equal(w.getExtraInfo("sockname"), { address: "", port: 0, family: "unix" });
    assert.equal(w.getExtraInfo("peername"), { address: path, port: 0, family: "unix" });
    assert.equal(yield* accepted, [
      { address: path, port: 0, family: "unix" },
      { address: "", port: 0, family: "unix" },
    ]);
    w.close();
    server.close();
    assert.is(server.address(), null);
    yield* server.waitClosed();
    yield* noFdsLeft();
  });
});

test("protocol transports over a Unix socket give the same sockname and peername", async () => {
  const path = freshPath();
  await run(function* () {
    const loop = getRunningLoop();
    const server = yield* loop.createUnixServer(() => new Protocol(), path);
    assert.equal(server.address(), { address: path, port: 0, family: "unix" });
    const [t] = yield* loop.createUnixConnection(() => new Protocol(), path);
    assert.equal(t.getExtraInfo("peername"), { address: path, port: 0, family: "unix" });
    assert.equal(t.getExtraInfo("sockname"), { address: "", port: 0, family: "unix" });
    t.close();
    server.close();
    yield* server.waitClosed();
    yield* noFdsLeft();
  });
});

test("closing a Unix server leaves a file that replaced its socket file in place (cleanup_socket)", async () => {
  const path = freshPath();
  await run(function* () {
    const server = yield* startUnixServer(echoLines, path);
    rmSync(path);
    writeFileSync(path, "someone else's");
    server.close();
    yield* server.waitClosed();
    yield* noFdsLeft();
  });
  assert.is(readFileSync(path, "utf8"), "someone else's");
  rmSync(path);
});

test("a second server on the same path replaces the first one's socket; closing the first leaves the second's file and server working", async () => {
  const path = freshPath();
  await run(function* () {
    const first = yield* startUnixServer(echoLines, path);
    const second = yield* startUnixServer(echoLines, path);
    first.close();
    yield* first.waitClosed();
    assert.ok(statSync(path).isSocket(), "the second server's socket file is still there");
    const [r, w] = yield* openUnixConnection(path);
    w.write("still served\n");
    assert.is(text(yield* r.readline()), "still served\n");
    w.close();
    second.close();
    yield* second.waitClosed();
    yield* noFdsLeft();
  });
  assert.not.ok(existsSync(path), "the second server removed its own file");
});

test("cleanupSocket: false keeps the socket file after close; a socket file that vanished is no error", async () => {
  const path = freshPath();
  const gone = freshPath();
  await run(function* () {
    const loop = getRunningLoop();
    const errors = recordErrors();
    const server = yield* startUnixServer(echoLines, path, { cleanupSocket: false });
    server.close();
    yield* server.waitClosed();
    const other = yield* loop.createUnixServer(() => new Protocol(), gone);
    rmSync(gone);
    other.close();
    yield* other.waitClosed();
    assert.throws(() => startUnixServer(echoLines, freshPath(), { cleanupSocket: 1 as any }), TypeError);
    yield* noFdsLeft();
    assert.equal(errors, []);
  });
  assert.ok(statSync(path).isSocket(), "socket file kept");
  assert.not.ok(existsSync(gone));
  assert.equal(
    readdirSync(dir).filter((f) => f.includes("keep")),
    [],
    "no file set aside is left",
  );
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
