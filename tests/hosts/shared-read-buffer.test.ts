// Reads into the shared buffer: sockets the Node host makes itself (connected, accepted, Unix, TLS)
// have Node read into one buffer and tell the host the count (Node's `onread` mode), instead of a
// Buffer per read through the socket's Readable stream. What must hold on Node and Deno: the mode
// is on for those sockets, no 'data' event is emitted, every read hands out an array of its own
// (never the shared buffer, never an array a later read writes into), and the bytes arrive whole
// and in order, small or large. (A slow reader pausing the socket: tests/io/sockets-load.test.ts.)

import { test } from "uvu";
import * as assert from "uvu/assert";
import net from "node:net";
import { run } from "../../src/run.js";
import { openConnection, startServer, type StreamWriter } from "../../src/io/streams/index.js";
import { TcpSocket } from "../../src/hosts/node/tcp-socket.js";
import { readIntoSharedBuffer, SHARED_READ_SIZE } from "../../src/hosts/node/shared-read-buffer.js";
import type { Resource } from "../../src/hosts/fd-table.js";
import { echoBytes, expectBytes, socketHost } from "../helpers.js";
import { makeCerts } from "../tls-certs.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";

const certs = makeCerts();

const owner = { _readinessChanged(_r: Resource): void {}, _untrack(_s: TcpSocket): void {} };

function resourceOf(w: StreamWriter): TcpSocket {
  const fd = (w.transport as unknown as { _fd: number })._fd;
  const res = socketHost().fds.get(fd);
  assert.ok(res instanceof TcpSocket);
  return res as TcpSocket;
}

test("sockets the host connects and accepts read into the shared buffer, and emit no 'data' event", async () => {
  await run(function* () {
    let accepted: TcpSocket | null = null;
    const server = yield* startServer(
      function* (r, w) {
        accepted = resourceOf(w);
        yield* echoBytes(r, w);
      },
      "127.0.0.1",
      0,
    );
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    const mine = resourceOf(w);
    let dataEvents = 0;
    mine.socket.on("data", () => dataEvents++);
    for (let i = 0; i < 20; i++) {
      w.write(new Uint8Array(40).fill(i));
      const back = yield* r.readexactly(40);
      assert.equal(back, new Uint8Array(40).fill(i));
    }
    assert.ok(mine.readsShared, "the connected socket reads into the shared buffer");
    assert.ok(accepted !== null && (accepted as TcpSocket).readsShared, "the accepted one too");
    assert.is(dataEvents, 0);
    w.close();
    assert.is((yield* r.read(10)).length, 0);
    server.close();
    yield* server.waitClosed();
  });
});

test("every read hands out an array of its own: later reads never write into an earlier result", async () => {
  await run(function* () {
    const server = yield* startServer(
      function* (r, w) {
        for (let i = 1; i <= 50; i++) {
          w.write(new Uint8Array(i * 7).fill(i)); // small (on V8's heap) and larger sizes
          yield* w.drain();
          yield* r.readexactly(1);
        }
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    const got: Uint8Array[] = [];
    for (let i = 1; i <= 50; i++) {
      got.push(yield* r.readexactly(i * 7));
      w.write("k");
    }
    const buffers = new Set<ArrayBufferLike>();
    got.forEach((d, k) => {
      assert.is(Object.getPrototypeOf(d), Uint8Array.prototype);
      assert.equal(d, new Uint8Array((k + 1) * 7).fill(k + 1), `message ${k + 1} changed`);
      assert.ok(d.buffer.byteLength < SHARED_READ_SIZE, "a result is not a view of the shared buffer");
      buffers.add(d.buffer);
    });
    assert.is(buffers.size, got.length);
    w.close();
    server.close();
    yield* server.waitClosed();
  });
});

test("8 MB in 256 KiB writes, read 100,000 bytes at a time, arrive whole and in order", async () => {
  await run(function* () {
    const TOTAL = 8 * 1024 * 1024;
    const pattern = (at: number) => (at * 31 + (at >> 12)) & 255;
    const server = yield* startServer(
      function* (_r, w) {
        const chunk = new Uint8Array(256 * 1024);
        for (let at = 0; at < TOTAL; at += chunk.length) {
          for (let k = 0; k < chunk.length; k++) chunk[k] = pattern(at + k);
          w.write(chunk);
          yield* w.drain();
        }
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    yield* expectBytes(r, TOTAL, pattern, 100_000);
    assert.is((yield* r.read(10)).length, 0);
    w.close();
    server.close();
    yield* server.waitClosed();
  });
});

test("a socket with bytes waiting in its Readable buffer, or switched already, is left as it is", async () => {
  const server = net.createServer((s) => s.write("hello"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const s = net.connect(port, "127.0.0.1");
  await new Promise((resolve) => s.once("readable", resolve));
  assert.ok(s.readableLength > 0);
  assert.not.ok(
    readIntoSharedBuffer(s, () => {}),
    "bytes wait in the Readable buffer",
  );
  assert.is(String(s.read()), "hello");
  s.destroy();
  const fresh = new TcpSocket(net.connect(port, "127.0.0.1"), true, owner);
  fresh.readShared();
  assert.ok(fresh.readsShared);
  assert.not.ok(
    readIntoSharedBuffer(fresh.socket, () => {}),
    "switched already",
  );
  fresh.abort();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("TLS sockets, connected and accepted, read into the shared buffer too", async () => {
  await run(function* () {
    let accepted: TcpSocket | null = null;
    const server = yield* startServer(
      function* (r, w) {
        accepted = resourceOf(w);
        w.write(yield* r.readexactly(5));
        yield* w.drain();
        w.close();
      },
      "127.0.0.1",
      0,
      { ssl: { key: certs.key, cert: certs.cert } },
    );
    const [r, w] = yield* openConnection("localhost", server.address()!.port, { ssl: { ca: certs.ca } });
    w.write("hello");
    assert.is(new TextDecoder().decode(yield* r.readexactly(5)), "hello");
    assert.ok(resourceOf(w).readsShared, "the connected TLS socket");
    assert.ok(accepted !== null && (accepted as TcpSocket).readsShared, "the accepted TLS socket");
    w.close();
    server.close();
    yield* server.waitClosed();
  });
});

test("STARTTLS over sockets reading into the shared buffer carries 16 MB one way and 4 MB back, whole and in order", async () => {
  await run(function* () {
    const byteAt = (at: number) => (at * 7 + (at >> 10)) & 255;
    const CHUNK = 128 * 1024;
    const chunkAt = (at: number) => Uint8Array.from({ length: CHUNK }, (_, k) => byteAt(at + k));
    function* send(w: StreamWriter, total: number): Coroutine<void> {
      for (let at = 0; at < total; at += CHUNK) {
        w.write(chunkAt(at));
        yield* w.drain();
      }
    }
    const server = yield* startServer(
      function* (r, w) {
        assert.is(new TextDecoder().decode(yield* r.readexactly(9)), "STARTTLS\n");
        w.write("GO\n");
        yield* w.startTls({ key: certs.key, cert: certs.cert, serverSide: true });
        yield* send(w, 16 * 1024 * 1024);
        yield* expectBytes(r, 4 * 1024 * 1024, byteAt);
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    assert.ok(resourceOf(w).readsShared);
    w.write("STARTTLS\n");
    assert.is(new TextDecoder().decode(yield* r.readexactly(3)), "GO\n");
    yield* w.startTls({ ca: certs.ca, serverHostname: "localhost" });
    yield* expectBytes(r, 16 * 1024 * 1024, byteAt);
    yield* send(w, 4 * 1024 * 1024);
    assert.is((yield* r.read(10)).length, 0);
    w.close();
    server.close();
    yield* server.waitClosed();
  });
});

test.run();
