// Transports and protocols over real TCP on 127.0.0.1: loop.createConnection / createServer,
// Protocol and BufferedProtocol callbacks in asyncio's order, flow control, half-close, resets,
// refused connections, and no fd left behind.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { Future } from "../../src/tasks/future.js";
import {
  BaseTransport,
  BufferedProtocol,
  Protocol,
  ReadTransport,
  Transport,
  WriteTransport,
} from "../../src/io/transports/index.js";
import { recordErrors, socketHost, text, throwsA } from "../helpers.js";

/** Records every callback as a string and settles `lost` on connectionLost. */
class Recorder extends Protocol {
  events: string[] = [];
  transport: Transport | null = null;
  received = "";
  keepOpen = false;
  readonly lost = new Future<unknown>(getRunningLoop());
  readonly gotEof = new Future<void>(getRunningLoop());
  override connectionMade(t: Transport): void {
    this.transport = t;
    this.events.push("made");
  }
  override dataReceived(d: Uint8Array): void {
    this.received += text(d);
    this.events.push("data");
  }
  override eofReceived(): boolean {
    this.events.push("eof");
    this.gotEof.setResult(undefined);
    return this.keepOpen;
  }
  override connectionLost(exc: unknown): void {
    this.events.push("lost");
    this.lost.setResult(exc);
  }
  override pauseWriting(): void {
    this.events.push("pause");
  }
  override resumeWriting(): void {
    this.events.push("resume");
  }
}

/** Echoes what it gets; closes on EOF. */
class Echo extends Protocol {
  t!: Transport;
  override connectionMade(t: Transport): void {
    this.t = t;
  }
  override dataReceived(d: Uint8Array): void {
    this.t.write(d);
  }
}

function* echoServer(): Coroutine<[{ close(): void; waitClosed(): Coroutine<void> }, number]> {
  const server = yield* getRunningLoop().createServer(() => new Echo(), "127.0.0.1", 0);
  return [server, server.address()!.port];
}

function* until(pred: () => boolean): Coroutine<void> {
  while (!pred()) yield* sleepTick();
}

function* sleepTick(): Coroutine<void> {
  const loop = getRunningLoop();
  const f = loop.createFuture<void>();
  loop.callLater(1, () => f.setResult(undefined));
  yield* f;
}

test("createConnection runs connectionMade before returning, echoes through a protocol server, and ends with eof then lost", async () => {
  await run(function* () {
    const errors = recordErrors();
    const [server, port] = yield* echoServer();
    const [t, p] = yield* getRunningLoop().createConnection(() => new Recorder(), "127.0.0.1", port);
    assert.equal(p.events, ["made"]);
    assert.is(p.transport, t);
    for (const cls of [BaseTransport, ReadTransport, WriteTransport]) assert.instance(t, cls);
    assert.equal((t.getExtraInfo("peername") as { port: number }).port, port);
    t.write("hello ");
    t.writelines(["wor", new TextEncoder().encode("ld")]);
    yield* until(() => p.received.length === 11);
    assert.is(p.received, "hello world");
    t.writeEof(); // the echo server's transport closes on EOF, so we get EOF and then lost
    const exc = yield* p.lost;
    assert.is(exc, null);
    assert.equal(
      p.events.filter((e) => e !== "data"),
      ["made", "eof", "lost"],
    );
    assert.ok(t.isClosing());
    server.close();
    yield* server.waitClosed();
    assert.equal(errors, []);
    assert.is(socketHost().socketStats().sockets, 0);
  });
});

test("a BufferedProtocol receives straight into the buffer it hands out", async () => {
  await run(function* () {
    const [server, port] = yield* echoServer();
    class Into extends BufferedProtocol {
      buf = new Uint8Array(7); // small: a 20-byte message takes several reads
      got: number[] = [];
      done = new Future<void>(getRunningLoop());
      override getBuffer(hint: number): Uint8Array {
        assert.is(hint, -1);
        return this.buf;
      }
      override bufferUpdated(n: number): void {
        for (let i = 0; i < n; i++) this.got.push(this.buf[i]);
      }
      override connectionLost(): void {
        this.done.setResult(undefined);
      }
    }
    const [t, p] = yield* getRunningLoop().createConnection(() => new Into(), "127.0.0.1", port);
    const msg = new Uint8Array(20).map((_, i) => i * 3);
    t.write(msg);
    yield* until(() => p.got.length === 20);
    assert.equal(p.got, Array.from(msg));
    t.close();
    yield* p.done;
    server.close();
    yield* server.waitClosed();
  });
});

test("pauseWriting and resumeWriting bracket a write buffer over the high-water mark", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    let serverSide: Transport | null = null;
    class Slow extends Protocol {
      override connectionMade(t: Transport): void {
        serverSide = t;
        t.pauseReading();
      }
    }
    const server = yield* loop.createServer(() => new Slow(), "127.0.0.1", 0);
    const [t, p] = yield* loop.createConnection(() => new Recorder(), "127.0.0.1", server.address()!.port);
    t.setWriteBufferLimits(1024, 256);
    assert.equal(t.getWriteBufferLimits(), [256, 1024]);
    const chunk = new Uint8Array(64 * 1024);
    for (let i = 0; i < 64 && !p.events.includes("pause"); i++) t.write(chunk);
    assert.ok(p.events.includes("pause"), "pauseWriting was called");
    assert.ok(t.getWriteBufferSize() > 1024);
    yield* until(() => serverSide !== null);
    serverSide!.resumeReading(); // the peer reads again: the buffer drains
    yield* until(() => p.events.includes("resume"));
    assert.ok(t.getWriteBufferSize() <= 256);
    t.abort();
    yield* p.lost;
    server.close();
    (server as any).abortClients();
    yield* server.waitClosed();
  });
});

test("eofReceived returning true keeps the transport open for writing (half-close)", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    let serverP: Recorder | null = null;
    const server = yield* loop.createServer(
      () => {
        serverP = new Recorder();
        serverP.keepOpen = true;
        return serverP;
      },
      "127.0.0.1",
      0,
    );
    const [t, p] = yield* loop.createConnection(() => new Recorder(), "127.0.0.1", server.address()!.port);
    t.write("question");
    t.writeEof();
    assert.throws(() => t.write("more"), /writeEof/);
    yield* until(() => serverP !== null);
    yield* serverP!.gotEof;
    assert.is(serverP!.received, "question");
    serverP!.transport!.write("answer"); // still writable after EOF
    serverP!.transport!.close();
    assert.is(yield* p.lost, null);
    assert.is(p.received, "answer");
    server.close();
    yield* server.waitClosed();
  });
});

test("abort() drops buffered bytes and the peer's connectionLost gets an error with code ECONNRESET", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    let serverP: Recorder | null = null;
    const server = yield* loop.createServer(() => (serverP = new Recorder()), "127.0.0.1", 0);
    const [t, p] = yield* loop.createConnection(() => new Recorder(), "127.0.0.1", server.address()!.port);
    yield* until(() => serverP?.transport != null);
    t.abort();
    assert.is(yield* p.lost, null);
    const exc = (yield* serverP!.lost) as { code?: string };
    assert.is(exc?.code, "ECONNRESET");
    server.close();
    yield* server.waitClosed();
    assert.is(socketHost().socketStats().sockets, 0);
  });
});

test("a refused connection throws with code ECONNREFUSED, makes no protocol and leaves no fd", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
    const port = server.address()!.port;
    server.close();
    yield* server.waitClosed();
    let made = 0;
    try {
      yield* loop.createConnection(
        () => {
          made++;
          return new Recorder();
        },
        "127.0.0.1",
        port,
      );
      assert.unreachable("connected");
    } catch (e) {
      assert.is((e as { code?: string }).code, "ECONNREFUSED");
    }
    assert.is(made, 0);
    assert.is(socketHost().socketStats().sockets, 0);
  });
});

test("an exception in dataReceived is reported through the exception handler and aborts the connection", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const errors = recordErrors();
    class Boom extends Recorder {
      override dataReceived(): void {
        throw new Error("boom");
      }
    }
    const [server, port] = yield* echoServer();
    const [t, p] = yield* loop.createConnection(() => new Boom(), "127.0.0.1", port);
    t.write("x");
    const exc = yield* p.lost;
    assert.instance(exc, Error);
    assert.is((exc as Error).message, "boom");
    assert.is(errors.length, 1);
    assert.match(errors[0].message, "dataReceived");
    server.close();
    yield* server.waitClosed();
  });
});

test("createConnection and createServer check their arguments eagerly", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    throwsA(() => loop.createConnection(null as any, "127.0.0.1", 1), TypeError, "protocolFactory");
    throwsA(() => loop.createConnection(() => new Echo(), "127.0.0.1", 70000), RangeError, "port");
    throwsA(() => loop.createServer(() => new Echo(), "127.0.0.1", -1), RangeError, "port");
    const [server, port] = yield* echoServer();
    try {
      yield* loop.createConnection(() => ({}) as any, "127.0.0.1", port);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, TypeError);
    }
    server.close();
    yield* server.waitClosed();
    assert.is(socketHost().socketStats().sockets, 0);
  });
});

test.run();
