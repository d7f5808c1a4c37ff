// TCP over the default host: many clients, resets, refused connections, servers closing under
// their clients, IPv6 loopback, ports in use. Real sockets on 127.0.0.1 and ::1 only.

import { test } from "uvu";
import * as assert from "uvu/assert";
import os from "node:os";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { createTask } from "../../src/tasks/create-task.js";
import type { Task } from "../../src/tasks/task.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import {
  openConnection,
  startServer,
  type Server,
  type StreamReader,
  type StreamWriter,
} from "../../src/io/streams/index.js";
import { socketHost, recordErrors, runScript, text } from "../helpers.js";

function* all<T>(tasks: Task<T>[]): Coroutine<T[]> {
  const out: T[] = [];
  for (const t of tasks) out.push(yield* t);
  return out;
}

/** Echoes lines until EOF, then closes. */
function* echoLines(r: StreamReader, w: StreamWriter): Coroutine<void> {
  for (;;) {
    const line = yield* r.readline();
    if (line.length === 0) break;
    w.write(line);
    yield* w.drain();
  }
  w.close();
  yield* w.waitClosed();
}

function* echoServer(hostName = "127.0.0.1"): Coroutine<[Server, number]> {
  const server = yield* startServer(echoLines, hostName, 0);
  return [server, server.address()!.port];
}

/** A port nobody listens on (bound then released). */
function* freePort(): Coroutine<number> {
  const s = yield* startServer(() => {}, "127.0.0.1", 0);
  const port = s.address()!.port;
  s.close();
  yield* s.waitClosed();
  return port;
}

test("an echo server answers 200 concurrent clients, 25 lines each, and every fd is released after", async () => {
  await run(function* () {
    const errors = recordErrors();
    const [server, port] = yield* echoServer();
    const client = function* (i: number): Coroutine<number> {
      const [r, w] = yield* openConnection("127.0.0.1", port);
      let ok = 0;
      for (let m = 0; m < 25; m++) {
        const msg = `client ${i} message ${m} ${"x".repeat(i % 50)}\n`;
        w.write(msg);
        yield* w.drain();
        if (text(yield* r.readline()) === msg) ok++;
      }
      w.close();
      yield* w.waitClosed();
      return ok;
    };
    const counts = yield* all(Array.from({ length: 200 }, (_, i) => createTask(client(i))));
    assert.is(
      counts.reduce((a, b) => a + b, 0),
      200 * 25,
    );
    server.close();
    yield* server.waitClosed();
    assert.is(socketHost().socketStats().sockets, 0);
    assert.is(socketHost().socketStats().listeners, 0);
    assert.equal(errors, []);
  });
});

test("connecting to a closed port throws ECONNREFUSED, leaks no fd and the loop goes on", async () => {
  await run(function* () {
    const errors = recordErrors();
    const port = yield* freePort();
    const attempt = function* (): Coroutine<string> {
      try {
        yield* openConnection("127.0.0.1", port);
        return "connected?";
      } catch (e) {
        assert.instance(e, Error);
        assert.is((e as any).errno, 14);
        assert.match((e as Error).message, `ECONNREFUSED 127.0.0.1:${port}`);
        return (e as any).code;
      }
    };
    const codes = yield* all(Array.from({ length: 20 }, () => createTask(attempt())));
    assert.equal(codes, Array(20).fill("ECONNREFUSED"));
    assert.is(socketHost().socketStats().sockets, 0);
    // The loop still works: a real connection afterwards.
    const [server, p2] = yield* echoServer();
    const [r, w] = yield* openConnection("127.0.0.1", p2);
    w.write("still here\n");
    assert.is(text(yield* r.readline()), "still here\n");
    w.close();
    server.close();
    yield* server.waitClosed();
    assert.equal(errors, []);
  });
});

test("a peer that resets mid-write makes drain throw ECONNRESET or EPIPE, and nothing crashes", async () => {
  await run(function* () {
    const errors = recordErrors();
    const outcome = getRunningLoop().createFuture<unknown>();
    const server = yield* startServer(
      function* (_r, w) {
        const chunk = new Uint8Array(64 * 1024).fill(7);
        try {
          for (let i = 0; i < 10_000; i++) {
            // 640 MB at most: the reset comes long before
            w.write(chunk);
            yield* w.drain();
          }
          outcome.setResult("wrote everything?");
        } catch (e) {
          outcome.setResult(e);
        }
      },
      "127.0.0.1",
      0,
    );
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    const got = yield* r.readexactly(256 * 1024);
    assert.is(got[12345], 7);
    w.transport.abort(); // RST
    const e = (yield* outcome) as any;
    assert.instance(e, Error);
    assert.ok(e.code === "ECONNRESET" || e.code === "EPIPE", `code ${e.code}`);
    assert.ok(e.errno === 15 || e.errno === 64);
    server.close();
    yield* server.waitClosed();
    assert.is(socketHost().socketStats().sockets, 0);
    assert.equal(errors, []);
  });
});

test("a reset seen by a reader makes the pending read throw ECONNRESET", async () => {
  await run(function* () {
    const serverSide = getRunningLoop().createFuture<StreamWriter>();
    const server = yield* startServer((_r, w) => serverSide.setResult(w), "127.0.0.1", 0);
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    const pending = createTask(r.read(100));
    (yield* serverSide).transport.abort();
    try {
      yield* pending;
      assert.unreachable("read should fail");
    } catch (e) {
      assert.is((e as any).code, "ECONNRESET");
    }
    try {
      yield* w.drain();
      assert.unreachable("drain should fail");
    } catch (e) {
      assert.is((e as any).code, "ECONNRESET");
    }
    w.close();
    server.close();
    yield* server.waitClosed();
  });
});

test("a server closed while clients are connected stops accepting, keeps its connections, and waitClosed waits for them", async () => {
  await run(function* () {
    const errors = recordErrors();
    const [server, port] = yield* echoServer();
    const clients: [StreamReader, StreamWriter][] = [];
    for (let i = 0; i < 5; i++) {
      const c = yield* openConnection("127.0.0.1", port);
      c[1].write(`hi ${i}\n`);
      assert.is(text(yield* c[0].readline()), `hi ${i}\n`);
      clients.push(c);
    }
    assert.ok(server.isServing());
    server.close();
    assert.not.ok(server.isServing());
    assert.is(server.address(), null);
    const closing = createTask(server.waitClosed());
    try {
      yield* openConnection("127.0.0.1", port);
      assert.unreachable("connected to a closed server");
    } catch (e) {
      assert.is((e as any).code, "ECONNREFUSED");
    }
    // Existing connections still work, and waitClosed is still waiting on them.
    for (const [r, w] of clients) {
      w.write("after close\n");
      assert.is(text(yield* r.readline()), "after close\n");
    }
    assert.not.ok(closing.done());
    for (const [r, w] of clients.slice(0, 4)) {
      w.close();
      assert.is((yield* r.read()).length, 0);
    }
    yield;
    assert.not.ok(closing.done());
    clients[4][1].close();
    yield* closing;
    assert.equal(errors, []);
  });
});

test("closeClients ends a closed server's connections: clients read EOF and waitClosed returns", async () => {
  await run(function* () {
    const server = yield* startServer(
      function* (r) {
        yield* r.read();
      },
      "127.0.0.1",
      0,
    );
    const port = server.address()!.port;
    const clients: [StreamReader, StreamWriter][] = [];
    for (let i = 0; i < 10; i++) clients.push(yield* openConnection("127.0.0.1", port));
    server.close();
    server.closeClients();
    for (const [r] of clients) assert.is((yield* r.read()).length, 0);
    yield* server.waitClosed();
    for (const [, w] of clients) w.close();
  });
});

test("serveForever ends with CancelledError when the server is closed, after the server is closed", async () => {
  await run(function* () {
    const server = yield* startServer(() => {}, "127.0.0.1", 0);
    const forever = createTask(server.serveForever());
    yield;
    assert.not.ok(forever.done());
    server.close();
    try {
      yield* forever;
      assert.unreachable();
    } catch (e) {
      assert.is((e as Error).name, "CancelledError");
    }
    assert.not.ok(server.isServing());
  });
});

test("listening on a port in use throws EADDRINUSE", async () => {
  await run(function* () {
    const [server, port] = yield* echoServer();
    try {
      yield* startServer(() => {}, "127.0.0.1", port);
      assert.unreachable();
    } catch (e) {
      assert.is((e as any).code, "EADDRINUSE");
      assert.is((e as any).errno, 3);
    }
    assert.is(socketHost().socketStats().listeners, 1);
    server.close();
    yield* server.waitClosed();
  });
});

const hasIPv6Loopback = Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.address === "::1"));

(hasIPv6Loopback ? test : test.skip)("echo works over IPv6 loopback (::1)", async () => {
  await run(function* () {
    const [server, port] = yield* echoServer("::1");
    assert.equal(server.address(), { address: "::1", port, family: "IPv6" });
    const [r, w] = yield* openConnection("::1", port);
    assert.equal(w.getExtraInfo("peername"), { address: "::1", port, family: "IPv6" });
    w.write("six\n");
    assert.is(text(yield* r.readline()), "six\n");
    w.close();
    yield* w.waitClosed();
    server.close();
    yield* server.waitClosed();
  });
});

test("a closed connection whose peer never reads does not keep the process alive after run() returns", async () => {
  // The child leaves bytes in Node's write buffer of a socket whose fd is closed (the peer never
  // reads them); closing the loop's host must abort that socket so that the process can exit.
  const r = await runScript(
    `
    import net from "node:net";
    import { run, openConnection, sleep } from "WASIO";
    const srv = net.createServer({ pauseOnConnect: true }, (s) => { s.unref(); });
    await new Promise((r) => srv.listen(0, "127.0.0.1", r));
    srv.unref();
    const port = srv.address().port;
    await run(function* () {
      const [, w] = yield* openConnection("127.0.0.1", port);
      const t = w.transport, host = t._host, fd = t._fd;
      for (let i = 0; i < 100000; i++) {
        w.write(new Uint8Array(8192));
        yield* sleep(0.2);
        if (t.getWriteBufferSize() === 0 && host.sockBuffered(fd).send > 0) { console.log("lingering"); break; }
      }
      w.close();
      yield* w.waitClosed();
    });
    console.log("run returned");
  `,
    20_000,
  );
  assert.ok(!r.timedOut, `the child did not exit\n${r.stdout}${r.stderr}`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, "lingering");
  assert.match(r.stdout, "run returned");
});

test.run();
