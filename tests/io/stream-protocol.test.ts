// The streams as a protocol on a transport (asyncio's StreamReaderProtocol): the writer's transport
// is the one Transport class, drain() is the protocol's flow control around the transport's water
// marks, the reader pauses and resumes the transport's reading, EOF and connection loss reach the
// reader, the writer and waitClosed. Simulated network and clock (VirtualHost): deterministic.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { startServer, openConnection, StreamReader, type StreamWriter } from "../../src/io/streams/index.js";
import { StreamReaderProtocol } from "../../src/io/streams/stream-reader-protocol.js";
import { Transport } from "../../src/io/transports/transport.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { sleep } from "../../src/tasks/sleep.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { runVirtual, throwsA } from "../helpers.js";

/** A connected pair on the simulated network: [client reader, client writer, server reader, server writer]. */
function* pair(limit?: number): Coroutine<[StreamReader, StreamWriter, StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const accepted = loop.createFuture<[StreamReader, StreamWriter]>();
  const options = limit === undefined ? {} : { limit };
  const server = yield* startServer((r, w) => accepted.setResult([r, w]), "10.0.0.1", 7000, options);
  const [cr, cw] = yield* openConnection("10.0.0.1", 7000, options);
  const [sr, sw] = yield* accepted;
  server.close();
  return [cr, cw, sr, sw];
}

test("a writer's transport is the protocol Transport carrying a StreamReaderProtocol; extra info is the transport's", () => {
  runVirtual(function* () {
    const [, cw, , sw] = yield* pair();
    assert.instance(cw.transport, Transport);
    assert.instance(cw.transport.getProtocol(), StreamReaderProtocol);
    assert.equal(cw.getExtraInfo("peername"), { address: "10.0.0.1", port: 7000, family: "IPv4" });
    assert.equal(cw.getExtraInfo("peername"), cw.transport.getExtraInfo("peername"));
    assert.equal(sw.getExtraInfo("sockname"), sw.transport.getExtraInfo("sockname"));
    assert.is(cw.getExtraInfo("nothing", 5), 5);
    cw.close();
    sw.close();
    yield* cw.waitClosed();
  });
});

test("drain() with nothing over the high-water mark is finished at its first step", () => {
  runVirtual(function* () {
    const [, cw, , sw] = yield* pair();
    cw.write("hello");
    assert.ok(cw.drain().next().done);
    cw.close();
    sw.close();
  });
});

test("drain() waits while the buffer is over the high mark, until the peer's reads bring it to the low mark", () => {
  runVirtual(function* () {
    const loop = getRunningLoop();
    const [, cw, sr, sw] = yield* pair(1024); // the server's reader stops reading early
    cw.transport.setWriteBufferLimits(4096, 1024);
    assert.equal(cw.transport.getWriteBufferLimits(), [1024, 4096]);
    const chunk = new Uint8Array(16 * 1024).fill(1);
    let sent = 0;
    for (;;) {
      cw.write(chunk);
      sent += chunk.length;
      yield* sleep(20); // the network moves what it can: the buffer is what is left
      if (cw.transport.getWriteBufferSize() > 4096) break;
      assert.ok(sent < 64 * 1024 * 1024, "the simulated socket never pushed back");
    }
    let bufferedAtWake = -1;
    const drained = loop.createTask(
      (function* () {
        yield* cw.drain();
        bufferedAtWake = cw.transport.getWriteBufferSize();
      })(),
    );
    yield* sleep(50);
    assert.not.ok(drained.done(), "drain returned while over the high-water mark");
    let got = 0;
    while (got < sent) got += (yield* sr.read(1 << 20)).length;
    yield* drained;
    assert.ok(bufferedAtWake >= 0 && bufferedAtWake <= 1024, `buffered ${bufferedAtWake} when drain returned`);
    cw.close();
    sw.close();
  });
});

test("the reader pauses the transport's reading past 2 × limit and resumes it once reads bring it to the limit", () => {
  runVirtual(function* () {
    const [, cw, sr, sw] = yield* pair(1024);
    cw.write(new Uint8Array(8192).fill(2));
    yield* sleep(50);
    assert.ok(sr.bufferedSize() > 2048, `buffered ${sr.bufferedSize()}`);
    assert.not.ok(sw.transport.isReading(), "reading was not paused");
    let consumed = (yield* sr.readexactly(sr.bufferedSize() - 1024)).length;
    assert.ok(sw.transport.isReading(), "reading was not resumed");
    while (consumed < 8192) consumed += (yield* sr.read(65536)).length;
    assert.is(consumed, 8192);
    cw.close();
    sw.close();
  });
});

test("EOF ends the reader and leaves the writer open (half-close); the peer still gets what it writes", () => {
  runVirtual(function* () {
    const [cr, cw, sr, sw] = yield* pair();
    cw.write("last words");
    cw.writeEof();
    assert.is(new TextDecoder().decode(yield* sr.read(-1)), "last words");
    assert.ok(sr.atEof());
    assert.not.ok(sw.isClosing());
    sw.write("answer");
    yield* sw.drain();
    sw.close();
    yield* sw.waitClosed();
    assert.is(new TextDecoder().decode(yield* cr.read(-1)), "answer");
    cw.close();
    yield* cw.waitClosed();
  });
});

test("an aborted peer fails the waiting read, then drain() and waitClosed() throw the connection's error", () => {
  runVirtual(function* () {
    const [cr, cw, , sw] = yield* pair();
    const loop = getRunningLoop();
    const reading = loop.createTask(cr.read(100));
    yield* sleep(1);
    sw.transport.abort();
    let readErr: any = null;
    try {
      yield* reading;
    } catch (e) {
      readErr = e;
    }
    assert.is(readErr?.code, "ECONNRESET");
    let drainErr: any = null;
    try {
      cw.write("x");
      yield* cw.drain();
    } catch (e) {
      drainErr = e;
    }
    assert.is(drainErr?.code, "ECONNRESET");
    assert.is(drainErr?.syscall, "write");
    let closedErr: any = null;
    try {
      yield* cw.waitClosed();
    } catch (e) {
      closedErr = e;
    }
    assert.is(closedErr, readErr);
  });
});

test("a StreamReaderProtocol made by the user feeds its reader from a loop.createConnection transport", () => {
  runVirtual(function* () {
    const loop = getRunningLoop();
    const server = yield* startServer(
      function* (_r, w) {
        w.write("from the server\n");
        yield* w.drain();
        w.close();
      },
      "10.0.0.1",
      7000,
    );
    const reader = new StreamReader();
    const [transport, protocol] = yield* loop.createConnection(
      () => new StreamReaderProtocol(reader),
      "10.0.0.1",
      7000,
    );
    assert.instance(protocol, StreamReaderProtocol);
    assert.is(protocol.transport, transport);
    assert.is(new TextDecoder().decode(yield* reader.readline()), "from the server\n");
    assert.is((yield* reader.read(-1)).length, 0);
    transport.close();
    server.close();
    yield* server.waitClosed();
  });
});

test("a StreamReaderProtocol checks its reader and loop", () => {
  runVirtual(function* () {
    throwsA(() => new StreamReaderProtocol("r" as never), TypeError, "reader must be a StreamReader or null");
    throwsA(() => new StreamReaderProtocol(null, {} as never), TypeError, "loop must be an EventLoop");
    assert.ok(String(new StreamReaderProtocol(null)).startsWith("<StreamReaderProtocol"));
  });
});

test.run();
