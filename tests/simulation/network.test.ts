// The in-memory network of a VirtualHost: the unchanged streams API between simulated hosts, in
// simulated time — addresses, DNS, latency and bandwidth, backpressure, extra info, refusals.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { run, runSync } from "../../src/run.js";
import { openConnection, startServer, type StreamReader, type StreamWriter } from "../../src/io/streams/index.js";
import { getaddrinfo } from "../../src/io/dns/getaddrinfo.js";
import { getRunningLoop } from "../../src/loop/running.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { onHost } from "../../src/simulation/on-host.js";
import { echoLines as echo, text } from "../helpers.js";

/** An echo handler that first records the client's address in `seen`. */
function recordingEcho(seen: string[]) {
  return function* (r: StreamReader, w: StreamWriter): Coroutine<void> {
    seen.push((w.getExtraInfo("peername") as { address: string }).address);
    yield* echo(r, w);
  };
}

test("a client and a server talk over simulated addresses with no real socket, in simulated time", () => {
  const host = new VirtualHost();
  host.network.link("10.0.0.100", "10.0.0.1", { latency: 5 });
  const out = runSync(
    function* () {
      const server = yield* startServer(echo, "10.0.0.1", 7000);
      assert.equal(server.address(), { address: "10.0.0.1", port: 7000, family: "IPv4" });
      const t0 = getRunningLoop().time();
      const [r, w] = yield* openConnection("10.0.0.1", 7000);
      const connected = getRunningLoop().time() - t0;
      w.write("hello\n");
      const line = text(yield* r.readline());
      const roundTrip = getRunningLoop().time() - t0 - connected;
      const peer = w.getExtraInfo("peername") as { address: string; port: number };
      const sock = w.getExtraInfo("sockname") as { address: string; port: number };
      const during = host.network.stats();
      w.writeEof();
      assert.is((yield* r.read()).length, 0);
      w.close();
      yield* w.waitClosed();
      server.close();
      yield* server.waitClosed();
      assert.equal(during, { sockets: 2, listeners: 1, scheduled: 0 });
      assert.equal(host.network.stats(), { sockets: 0, listeners: 0, scheduled: 0 });
      return { line, connected, roundTrip, peer, sock };
    },
    { host },
  );
  assert.is(out.line, "hello\n");
  assert.is(out.connected, 10); // SYN and SYN-ACK, 5 ms each
  assert.is(out.roundTrip, 10);
  assert.equal(out.peer, { address: "10.0.0.1", port: 7000, family: "IPv4" });
  assert.is(out.sock.address, "10.0.0.100");
  assert.ok(out.sock.port >= 49152);
});

test("names resolve through the simulated DNS, for openConnection and getaddrinfo", () => {
  const host = new VirtualHost();
  host.network.dns("db.internal", ["10.0.0.7"]);
  const out = runSync(
    function* () {
      const server = yield* startServer(echo, "10.0.0.7", 5432);
      const [r, w] = yield* openConnection("db.internal", 5432);
      w.write("q\n");
      const got = text(yield* r.readline());
      w.close();
      server.close();
      const infos = yield* getaddrinfo("db.internal", 5432, { type: "stream" });
      let missing = "";
      try {
        yield* getaddrinfo("nowhere.internal", 1);
      } catch (e) {
        missing = (e as { code: string }).code;
      }
      return { got, infos, missing };
    },
    { host },
  );
  assert.is(out.got, "q\n");
  assert.equal(out.infos, [
    { family: 4, type: "stream", proto: "tcp", canonname: "", address: "10.0.0.7", port: 5432 },
  ]);
  assert.is(out.missing, "ENOTFOUND");
});

test("a connection to an address nobody listens on is refused with ECONNREFUSED after a round trip", () => {
  const host = new VirtualHost();
  const out = runSync(
    function* () {
      try {
        yield* openConnection("10.0.0.9", 80);
        return "connected";
      } catch (e) {
        return `${(e as { code: string }).code} at ${getRunningLoop().time()} ms`;
      }
    },
    { host },
  );
  assert.is(out, "ECONNREFUSED at 2 ms");
});

test("a listener on a taken address fails with EADDRINUSE; null listens on every address", () => {
  const host = new VirtualHost();
  const out = runSync(
    function* () {
      const a = yield* startServer(echo, null, 8080);
      let code = "";
      try {
        yield* startServer(echo, null, 8080);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      const [r, w] = yield* openConnection("10.1.2.3", 8080);
      w.write("any\n");
      const got = text(yield* r.readline());
      w.close();
      a.close();
      return { code, got };
    },
    { host },
  );
  assert.equal(out, { code: "EADDRINUSE", got: "any\n" });
});

test("bandwidth makes a big write take its time; a slow reader makes drain() wait (backpressure)", () => {
  const host = new VirtualHost();
  host.network.link("10.0.0.100", "10.0.0.1", { latency: 1, bandwidth: 1000 }); // 1 MB/s
  const out = runSync(
    function* () {
      let received = 0;
      let reading = false;
      const server = yield* startServer(
        function* (r, w) {
          yield* getRunningLoopSleep(500); // the slow reader starts late
          reading = true;
          for (;;) {
            const chunk = yield* r.read(65536);
            if (chunk.length === 0) break;
            received += chunk.length;
          }
          w.close();
        },
        "10.0.0.1",
        9000,
      );
      const [, w] = yield* openConnection("10.0.0.1", 9000);
      const t0 = getRunningLoop().time();
      const big = new Uint8Array(1_000_000);
      w.write(big);
      yield* w.drain();
      const drainedWhileReading = reading;
      const drainedAt = getRunningLoop().time() - t0;
      w.close();
      yield* w.waitClosed();
      server.close();
      yield* server.waitClosed();
      return { drainedWhileReading, drainedAt, received };
    },
    { host },
  );
  assert.ok(out.drainedWhileReading, "drain() returned before the reader read anything");
  assert.ok(out.drainedAt >= 500, `drained at ${out.drainedAt}`);
  assert.is(out.received, 1_000_000);
});

test("run() (the async driver) drives the simulated network as runSync does", async () => {
  const host = new VirtualHost({ seed: 5 });
  const got = await run(
    function* () {
      const server = yield* startServer(echo, "10.0.0.1", 7000);
      const [r, w] = yield* openConnection("10.0.0.1", 7000);
      w.write("async\n");
      const line = text(yield* r.readline());
      w.close();
      server.close();
      return line;
    },
    { host },
  );
  assert.is(got, "async\n");
});

test("several simulated clients reach one server, each from its own address", () => {
  const host = new VirtualHost();
  const peers = runSync(
    function* () {
      const seen: string[] = [];
      const server = yield* startServer(recordingEcho(seen), "10.0.0.1", 7000);
      for (const from of ["10.0.1.1", "10.0.1.2", "10.0.1.3"]) {
        host.network.clientAddress = from;
        const [r, w] = yield* openConnection("10.0.0.1", 7000);
        w.write(`${from}\n`);
        assert.is(text(yield* r.readline()), `${from}\n`);
        w.close();
      }
      server.close();
      return seen;
    },
    { host },
  );
  assert.equal(peers, ["10.0.1.1", "10.0.1.2", "10.0.1.3"]);
});

test("onHost runs tasks as different simulated hosts at once, each connecting from its own address", () => {
  const host = new VirtualHost({ seed: 3 });
  const out = runSync(
    function* () {
      const seen: string[] = [];
      const server = yield* startServer(recordingEcho(seen), "10.0.0.1", 7000);
      function* client(tag: string): Coroutine<string> {
        const [r, w] = yield* openConnection("10.0.0.1", 7000);
        w.write(`${tag}\n`);
        const back = text(yield* r.readline());
        w.close();
        return `${(w.getExtraInfo("sockname") as { address: string }).address}:${back.trim()}`;
      }
      const tasks = ["a", "b", "c"].map((t, i) => createTask(onHost(`10.0.2.${i + 1}`, client(t))));
      const got = [];
      for (const t of tasks) got.push(yield* t);
      server.close();
      return { got, seen: seen.sort(), after: host.network.clientAddress };
    },
    { host },
  );
  assert.equal(out.got, ["10.0.2.1:a", "10.0.2.2:b", "10.0.2.3:c"]);
  assert.equal(out.seen, ["10.0.2.1", "10.0.2.2", "10.0.2.3"]);
  assert.is(out.after, "10.0.0.100");
});

test("data sent to a peer that closed is answered with a reset: the next write fails with ECONNRESET", () => {
  const host = new VirtualHost();
  const out = runSync(
    function* () {
      const server = yield* startServer(
        (_r, w) => {
          w.close();
        },
        "10.0.0.1",
        7000,
      );
      const [r, w] = yield* openConnection("10.0.0.1", 7000);
      const eof = (yield* r.read()).length === 0; // the server's FIN
      w.write("late\n"); // reaches a closed socket: a reset comes back
      yield* getRunningLoopSleep(5);
      w.write("later\n");
      let code = "";
      try {
        yield* w.drain();
      } catch (e) {
        code = (e as { code: string }).code;
      }
      server.close();
      return { eof, code };
    },
    { host },
  );
  assert.equal(out, { eof: true, code: "ECONNRESET" });
});

test("closing a socket with unread bytes resets the connection instead of closing it gracefully", () => {
  const host = new VirtualHost();
  const out = runSync(
    function* () {
      const server = yield* startServer(
        function* (r, w) {
          yield* r.readexactly(1); // reads one byte, then closes while more waits in the socket
          yield* getRunningLoopSleep(50);
          w.close();
        },
        "10.0.0.1",
        7000,
      );
      const [r, w] = yield* openConnection("10.0.0.1", 7000);
      w.write(new Uint8Array(300_000)); // more than the reader's buffer and the window hold
      let code = "";
      try {
        yield* r.read();
      } catch (e) {
        code = (e as { code: string }).code;
      }
      server.close();
      return code;
    },
    { host },
  );
  assert.is(out, "ECONNRESET");
});

function* getRunningLoopSleep(ms: number): Coroutine<void> {
  const fut = getRunningLoop().createFuture<void>();
  getRunningLoop().callLater(ms, () => fut.setResult(undefined));
  yield* fut;
}

test.run();
