// Received chunks handed over without a copy: Node's socket hands each chunk to the transport
// whole (sockRecvOwned), the stream reader keeps it as its buffer, and a read that takes all of it
// returns it. What users must still get: plain Uint8Arrays of their own, the right bytes in the
// right order, results that later reads never write into, and a copy wherever the chunk is a view
// into a buffer somebody else holds. Real sockets on 127.0.0.1 and Node's own socket objects.

import { test } from "uvu";
import * as assert from "uvu/assert";
import net from "node:net";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { openConnection, startServer, StreamReader } from "../../src/io/streams/index.js";
import { Protocol } from "../../src/io/transports/protocols.js";
import type { Transport } from "../../src/io/transports/transport.js";
import { TcpSocket } from "../../src/hosts/node/tcp-socket.js";
import type { Resource } from "../../src/hosts/fd-table.js";
import { ERRNO_AGAIN } from "../../src/hosts/errno.js";
import { runVirtual } from "../helpers.js";

const owner = { _readinessChanged(_r: Resource): void {}, _untrack(_s: TcpSocket): void {} };

/** A TcpSocket over a real (unconnected) Node socket whose 'data' events the test emits. */
function socketWith(...chunks: Uint8Array[]): [TcpSocket, net.Socket] {
  const s = new net.Socket();
  const tcp = new TcpSocket(s, false, owner);
  for (const c of chunks) s.emit("data", c);
  return [tcp, s];
}

test("a lone chunk with an ArrayBuffer of its own is handed over as a plain Uint8Array on that buffer", () => {
  const chunk = new Uint8Array(new ArrayBuffer(300)).fill(7);
  const [tcp, s] = socketWith(chunk);
  const got = tcp.recvOwned(65536);
  assert.ok(got instanceof Uint8Array);
  const bytes = got as Uint8Array;
  assert.is(Object.getPrototypeOf(bytes), Uint8Array.prototype);
  assert.is(bytes.buffer, chunk.buffer);
  assert.is(bytes.length, 300);
  assert.is(tcp.recvBuffered, 0);
  assert.is(tcp.recvOwned(65536), -ERRNO_AGAIN);
  s.destroy();
});

test("a chunk that is a view into a larger buffer is copied, never handed over", () => {
  const backing = new Uint8Array(64).map((_, i) => i);
  const view = backing.subarray(8, 40);
  const short = new Uint8Array(new ArrayBuffer(100), 0, 50).fill(3);
  for (const chunk of [view, short]) {
    const [tcp, s] = socketWith(chunk);
    const got = tcp.recvOwned(65536) as Uint8Array;
    assert.is.not(got.buffer, chunk.buffer);
    assert.equal(got, new Uint8Array(chunk));
    s.destroy();
  }
});

test("several queued chunks, or one larger than max, come out as one copy of at most max bytes, in order", () => {
  const a = new Uint8Array(new ArrayBuffer(3)).fill(1);
  const b = new Uint8Array(new ArrayBuffer(4)).fill(2);
  const [tcp, s] = socketWith(a, b);
  const first = tcp.recvOwned(5) as Uint8Array;
  assert.equal([...first], [1, 1, 1, 2, 2]);
  const rest = tcp.recvOwned(5) as Uint8Array;
  assert.equal([...rest], [2, 2]);
  assert.is.not(rest.buffer, b.buffer); // b was partly read: what is left is copied
  s.destroy();
});

test("a read that takes the reader's whole buffer returns an array later feeds never write into", () => {
  runVirtual(function* () {
    const r = new StreamReader();
    const fed = new Uint8Array([1, 2, 3, 4]);
    r.feedData(fed);
    fed[0] = 9; // feedData copied
    const first = yield* r.read(100);
    assert.equal([...first], [1, 2, 3, 4]);
    first[1] = 42;
    r.feedData(new Uint8Array([5, 6]));
    r.feedData(new Uint8Array([7]));
    assert.equal([...(yield* r.readexactly(3))], [5, 6, 7]);
    assert.equal([...first], [1, 42, 3, 4]);
    r.feedData(new Uint8Array([8, 10, 11]));
    const part = yield* r.readexactly(1);
    const tail = yield* r.read(10);
    part[0] = 0;
    assert.equal([...tail], [10, 11]);
  });
});

test("reads over a real socket give plain Uint8Arrays with the peer's bytes, whole, split or joined", async () => {
  await run(function* () {
    const sent = new Uint8Array(3000).map((_, i) => i % 251);
    const server = yield* startServer(
      function* (_r, w) {
        w.write(sent);
        yield* w.drain();
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    const head = yield* r.readexactly(10);
    const got: Uint8Array[] = [head];
    for (;;) {
      const d = yield* r.read(65536);
      if (d.length === 0) break;
      got.push(d);
    }
    for (const d of got) assert.is(Object.getPrototypeOf(d), Uint8Array.prototype);
    head.fill(255); // a result is the caller's: changing it changes nothing else
    const joined = new Uint8Array(got.reduce((n, d) => n + d.length, 0));
    let at = 0;
    for (const d of got.slice(1)) {
      joined.set(d, 10 + at);
      at += d.length;
    }
    assert.is(10 + at, sent.length);
    assert.equal(joined.subarray(10), sent.subarray(10));
    w.close();
    server.close();
    yield* server.waitClosed();
  });
});

test("a Protocol on the default host gets plain Uint8Arrays that stay as they were when more data arrives", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const server = yield* startServer(
      function* (r, w) {
        for (let i = 0; i < 5; i++) {
          w.write(new Uint8Array(100).fill(i + 1));
          yield* w.drain();
          yield* r.readexactly(1); // one message at a time: each arrives as its own chunk
        }
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const received: Uint8Array[] = [];
    const done = loop.createFuture<void>();
    class Collector extends Protocol {
      transport: Transport | null = null;
      override connectionMade(t: Transport): void {
        this.transport = t;
      }
      override dataReceived(data: Uint8Array): void {
        received.push(data);
        this.transport!.write("k");
      }
      override connectionLost(): void {
        done.setResult(undefined);
      }
    }
    const [t] = yield* loop.createConnection(() => new Collector(), "127.0.0.1", server.address()!.port);
    yield* done;
    let total = 0;
    for (const d of received) {
      assert.is(Object.getPrototypeOf(d), Uint8Array.prototype);
      total += d.length;
    }
    assert.is(total, 500);
    const flat = received.flatMap((d) => [...d]);
    assert.equal(
      flat,
      Array.from({ length: 500 }, (_, i) => Math.floor(i / 100) + 1),
    );
    t.close();
    server.close();
    yield* server.waitClosed();
  });
});

test.run();
