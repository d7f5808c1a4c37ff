// StreamReader / StreamWriter semantics over real loopback sockets (asyncio.streams, 3.13):
// partial reads at EOF, separators and limits, cancellation, half-close, extra info, errors.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { run } from "../../src/run.js";
import { createTask } from "../../src/tasks/create-task.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { HostBase } from "../../src/hosts/host-base.js";
import { CancelledError, IncompleteReadError, LimitOverrunError } from "../../src/errors.js";
import {
  openConnection,
  startServer,
  StreamReader,
  type Server,
  type StreamWriter,
} from "../../src/io/streams/index.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { currentTask } from "../../src/tasks/current.js";
import { sleep } from "../../src/tasks/sleep.js";
import type { Task } from "../../src/tasks/task.js";
import { recordErrors, runVirtual, text, throwsA, within } from "../helpers.js";

const enc = new TextEncoder();

/**
 * Gives the loop passes until `pred()` holds; fails after `max` passes. Every 1,000th pass is a
 * 1 ms sleep: passes that only yield can run back to back without a poll, and socket events need
 * the host's own turns to arrive.
 */
function* until(pred: () => boolean, max = 1_000_000): Coroutine<void> {
  for (let i = 0; !pred(); i++) {
    if (i >= max) throw new Error("condition not reached");
    if (i % 1000 === 999) yield* sleep(1);
    else yield;
  }
}

/** A server whose handler is `handler`, on 127.0.0.1 and a free port. */
function* serve(
  handler: (r: StreamReader, w: StreamWriter) => Coroutine<void> | void,
  limit?: number,
): Coroutine<[Server, number]> {
  const server = yield* startServer(handler, "127.0.0.1", 0, limit === undefined ? {} : { limit });
  return [server, server.address()!.port];
}

function* shut(server: Server, ...writers: StreamWriter[]): Coroutine<void> {
  for (const w of writers) w.close();
  for (const w of writers) yield* w.waitClosed();
  server.close();
  server.closeClients();
  yield* server.waitClosed();
}

test("readexactly at EOF in the middle of the data throws IncompleteReadError with the partial bytes", async () => {
  await run(function* () {
    const errors = recordErrors();
    const [server, port] = yield* serve(function* (_r, w) {
      w.write("0123456789");
      w.close();
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    assert.is(text(yield* reader.readexactly(4)), "0123");
    try {
      yield* reader.readexactly(20);
      assert.unreachable("readexactly should have failed");
    } catch (e) {
      assert.instance(e, IncompleteReadError);
      assert.is(text((e as IncompleteReadError).partial), "456789");
      assert.is((e as IncompleteReadError).expected, 20);
    }
    assert.ok(reader.atEof());
    assert.is((yield* reader.read(10)).length, 0);
    yield* shut(server, writer);
    assert.equal(errors, []);
  });
});

test("read(-1) returns everything up to EOF and read(n) returns at most n bytes", async () => {
  await run(function* () {
    const big = new Uint8Array(300_000).map((_, i) => i * 7);
    const [server, port] = yield* serve(function* (_r, w) {
      w.write(big);
      yield* w.drain();
      w.close();
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    const first = yield* reader.read(10);
    assert.ok(first.length >= 1 && first.length <= 10);
    const rest = yield* reader.read();
    assert.is(first.length + rest.length, big.length);
    assert.equal(Array.from(rest.subarray(0, 5)), Array.from(big.subarray(first.length, first.length + 5)));
    assert.is(rest[rest.length - 1], big[big.length - 1]);
    assert.ok(reader.atEof());
    yield* shut(server, writer);
  });
});

test("readuntil past the limit throws LimitOverrunError and leaves the data buffered", async () => {
  await run(function* () {
    const errors = recordErrors();
    const long = "x".repeat(3000);
    const [server, port] = yield* serve(function* (_r, w) {
      w.write(long + "\n" + "next\n");
      yield* w.drain();
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port, { limit: 1024 });
    try {
      yield* reader.readuntil("\n");
      assert.unreachable("readuntil should have overrun");
    } catch (e) {
      assert.instance(e, LimitOverrunError);
      assert.ok((e as LimitOverrunError).consumed > 1024);
    }
    const line = yield* reader.readexactly(3001);
    assert.is(text(line), long + "\n");
    assert.is(text(yield* reader.readline()), "next\n");
    yield* shut(server, writer);
    assert.equal(errors, []);
  });
});

test("readuntil accepts multi-byte separators as strings or bytes and returns the partial data at EOF", async () => {
  await run(function* () {
    const [server, port] = yield* serve(function* (_r, w) {
      w.write("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody-without-end");
      w.close();
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    assert.is(text(yield* reader.readuntil("\r\n")), "GET / HTTP/1.1\r\n");
    assert.is(text(yield* reader.readuntil(enc.encode("\r\n\r\n"))), "Host: x\r\n\r\n");
    try {
      yield* reader.readuntil("\r\n");
      assert.unreachable();
    } catch (e) {
      assert.instance(e, IncompleteReadError);
      assert.is(text((e as IncompleteReadError).partial), "body-without-end");
      assert.is((e as IncompleteReadError).expected, null);
    }
    yield* shut(server, writer);
  });
});

test("readline drops a line longer than the limit with a RangeError and then reads on", () => {
  const host = new VirtualHost();
  return run(
    function* () {
      const reader = new StreamReader({ limit: 16 });
      reader.feedData(enc.encode("y".repeat(40) + "\nafter\n"));
      reader.feedEof();
      try {
        yield* reader.readline();
        assert.unreachable();
      } catch (e) {
        assert.instance(e, RangeError);
        assert.match((e as Error).message, "limit");
      }
      assert.is(text(yield* reader.readline()), "after\n");
      assert.is((yield* reader.readline()).length, 0);
      assert.ok(reader.atEof());
    },
    { host },
  );
});

test("cancelling a pending read leaves the stream usable and the buffered bytes in place", async () => {
  await run(function* () {
    const errors = recordErrors();
    const [server, port] = yield* serve(function* (r, w) {
      for (;;) {
        const data = yield* r.read(100);
        if (data.length === 0) break;
        w.write(data);
        yield* w.drain();
      }
      w.close();
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    // A read waiting with nothing buffered, cancelled.
    const idle = createTask(reader.readexactly(10));
    yield;
    idle.cancel();
    try {
      yield* idle;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    // A read waiting with part of its bytes buffered, cancelled: the part stays.
    const partial = createTask(reader.readexactly(10));
    writer.write("01234");
    yield* until(() => reader.bufferedSize() === 5);
    assert.not.ok(partial.done());
    partial.cancel();
    try {
      yield* partial;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    writer.write("56789");
    assert.is(text(yield* reader.readexactly(10)), "0123456789");
    writer.write("again\n");
    assert.is(text(yield* reader.readline()), "again\n");
    yield* shut(server, writer);
    assert.equal(errors, []);
  });
});

test("two coroutines cannot wait on one reader at once", async () => {
  await run(function* () {
    const [server, port] = yield* serve(function* () {
      /* silent */
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    const first = createTask(reader.read(1));
    yield;
    try {
      yield* reader.read(1);
      assert.unreachable();
    } catch (e) {
      assert.match((e as Error).message, "already waiting");
    }
    first.cancel();
    try {
      yield* first;
    } catch {
      /* cancelled */
    }
    yield* shut(server, writer);
  });
});

test("writeEof half-closes: the peer reads EOF and can still answer", async () => {
  await run(function* () {
    const [server, port] = yield* serve(function* (r, w) {
      const all = yield* r.read();
      w.write(`got ${all.length} bytes`);
      yield* w.drain();
      w.close();
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    assert.ok(writer.canWriteEof());
    writer.write("hello ");
    writer.write(enc.encode("world"));
    writer.writeEof();
    assert.throws(() => writer.write("late"), /writeEof/);
    assert.is(text(yield* reader.read()), "got 11 bytes");
    assert.ok(reader.atEof());
    yield* shut(server, writer);
  });
});

test("getExtraInfo gives peername and sockname in Node's shape on both ends", async () => {
  await run(function* () {
    let serverSide: [unknown, unknown] = [null, null];
    const [server, port] = yield* serve((_r, w) => {
      serverSide = [w.getExtraInfo("peername"), w.getExtraInfo("sockname")];
      w.close();
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    const peer = writer.getExtraInfo("peername") as { address: string; port: number; family: string };
    const sock = writer.getExtraInfo("sockname") as { address: string; port: number; family: string };
    assert.equal(peer, { address: "127.0.0.1", port, family: "IPv4" });
    assert.is(sock.address, "127.0.0.1");
    assert.equal(server.address(), { address: "127.0.0.1", port, family: "IPv4" });
    assert.is(writer.getExtraInfo("nonsense", 42), 42);
    yield* reader.read();
    assert.equal(serverSide[0], sock);
    assert.equal(serverSide[1], peer);
    yield* shut(server, writer);
  });
});

test("a failing clientConnected task is reported through the exception handler and its connection closed", async () => {
  await run(function* () {
    const errors = recordErrors();
    const [server, port] = yield* serve(function* (r) {
      yield* r.readline();
      throw new Error("handler broke");
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    writer.write("go\n");
    assert.is((yield* reader.read()).length, 0); // the server closed the connection
    assert.is(errors.length, 1);
    assert.match(errors[0].message, "Unhandled exception in clientConnected");
    assert.match(String(errors[0].exception), "handler broke");
    yield* shut(server, writer);
  });
});

test("streams on a host without sockets fail with a clear error", async () => {
  await run(
    function* () {
      try {
        yield* openConnection("127.0.0.1", 80);
        assert.unreachable();
      } catch (e) {
        assert.match((e as Error).message, "host with sockets");
      }
      try {
        yield* startServer(() => {}, "127.0.0.1", 0);
        assert.unreachable();
      } catch (e) {
        assert.match((e as Error).message, "plain");
      }
    },
    { host: new PlainHost() },
  );
});

/** A host with a simulated clock and no sockets at all (a VirtualHost simulates a network). */
class PlainHost extends HostBase {
  readonly name = "plain";
  readonly canBlock = true;
  private t = 0;
  now(): number {
    return this.t;
  }
  idle(): Promise<void> {
    return this.nextNotify();
  }
  protected onNothingReady(clockMs: number): boolean {
    if (clockMs < 0) return false;
    this.t += clockMs;
    return true;
  }
}

test("bad arguments throw at the call", async () => {
  await run(function* () {
    try {
      yield* openConnection("127.0.0.1", 70000);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, RangeError);
    }
    try {
      yield* openConnection("127.0.0.1", 80, { limit: 0 });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, RangeError);
    }
    try {
      yield* startServer(42 as any, "127.0.0.1", 0);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, TypeError);
    }
    const reader = new StreamReader();
    try {
      yield* reader.readexactly(-1);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, RangeError);
    }
    try {
      yield* reader.readuntil("");
      assert.unreachable();
    } catch (e) {
      assert.instance(e, RangeError);
    }
  });
});

test("a cancelled clientConnected task has its connection closed, as in asyncio 3.12+", async () => {
  await run(function* () {
    const errors = recordErrors();
    let handler: Task<unknown> | null = null;
    const [server, port] = yield* serve(function* () {
      handler = currentTask();
      yield* sleep(1e9);
    });
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    yield* until(() => handler !== null);
    handler!.cancel();
    const got = yield* within(5_000, reader.read());
    assert.ok(got !== undefined, "the connection stayed open after its handler task was cancelled");
    assert.is(got.length, 0); // EOF: the server closed it
    assert.is(errors.length, 0);
    yield* shut(server, writer);
  });
});

test("openConnection, startServer and the reads check their arguments at the call, before anything runs", () => {
  throwsA(() => openConnection("127.0.0.1", "80" as any), TypeError);
  throwsA(() => openConnection("127.0.0.1", 70000), RangeError);
  throwsA(() => openConnection(123 as any, 80), TypeError);
  throwsA(() => openConnection("127.0.0.1", 80, { limit: "1" as any }), TypeError);
  throwsA(() => openConnection("127.0.0.1", 80, { limit: 0 }), RangeError);
  throwsA(() => startServer(42 as any, "127.0.0.1", 0), TypeError);
  throwsA(() => startServer(() => {}, "", 0), TypeError);
  throwsA(() => startServer(() => {}, "127.0.0.1", "0" as any), TypeError);
  throwsA(() => startServer(() => {}, "127.0.0.1", -1), RangeError);
  throwsA(() => startServer(() => {}, "127.0.0.1", 0, { backlog: "x" as any }), TypeError);
  throwsA(() => startServer(() => {}, "127.0.0.1", 0, { backlog: -1 }), RangeError);
  throwsA(() => startServer(() => {}, "127.0.0.1", 0, { limit: 1.5 }), RangeError);
  runVirtual(function* () {
    throwsA(() => new StreamReader({ limit: "1" as any }), TypeError);
    const r = new StreamReader();
    throwsA(() => r.read("x" as any), TypeError);
    throwsA(() => r.readexactly(-1), RangeError);
    throwsA(() => r.readuntil(""), RangeError);
    throwsA(() => r.readuntil(5 as any), TypeError);
  });
});

test("feeding the first len bytes of a larger buffer keeps exactly those bytes, in order", () => {
  runVirtual(function* () {
    const src = new Uint8Array(65536).map((_, i) => i & 255);
    const r = new StreamReader({ limit: 1 << 30 });
    r._feed(src, 5);
    r._feed(src.subarray(3), 4);
    assert.equal([...(yield* r.read(100))], [0, 1, 2, 3, 4, 3, 4, 5, 6]);
  });
});

test.run();
