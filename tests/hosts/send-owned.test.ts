// Bytes a transport queued are given to the host (sockSend's `given`): the transport's own copies of
// what the host could not take at once go to Node's socket as they are, not copied again. What a
// caller passes to write() is still copied before write() returns, however much of it waits.
// Real sockets on 127.0.0.1 and Node's own socket objects.

import { test } from "uvu";
import * as assert from "uvu/assert";
import net from "node:net";
import { run } from "../../src/run.js";
import { openConnection, startServer } from "../../src/io/streams/index.js";
import { TcpSocket } from "../../src/hosts/node/tcp-socket.js";
import type { Resource } from "../../src/hosts/fd-table.js";
import { expectBytes } from "../helpers.js";

const owner = { _readinessChanged(_r: Resource): void {}, _untrack(_s: TcpSocket): void {} };

test("send keeps a given array as it is and copies one that is not given", async () => {
  const server = net.createServer((s) => s.resume());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const raw = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  await new Promise((resolve) => raw.once("connect", resolve));
  const seen: Uint8Array[] = [];
  const write = raw.write.bind(raw);
  raw.write = ((chunk: Uint8Array, ...rest: never[]) => {
    seen.push(chunk);
    return write(chunk, ...rest);
  }) as typeof raw.write;
  const tcp = new TcpSocket(raw, false, owner);
  const mine = new Uint8Array(1000).fill(1);
  const given = new Uint8Array(1000).fill(2);
  assert.is(tcp.send(mine), 1000);
  assert.is(tcp.send(given, true), 1000);
  assert.is.not(seen[0].buffer, mine.buffer, "a caller's array is copied");
  assert.is(seen[1].buffer, given.buffer, "a given array goes to Node as it is");
  tcp.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("a 4 MB write changed by its caller right after write() arrives as it was written", async () => {
  await run(function* () {
    const TOTAL = 4 * 1024 * 1024;
    const server = yield* startServer(
      function* (_r, w) {
        const data = new Uint8Array(TOTAL).map((_, i) => (i * 13) & 255);
        w.write(data); // the host takes part; the transport queues a copy of the rest
        data.fill(0);
        yield* w.drain();
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    yield* expectBytes(r, TOTAL, (at) => (at * 13) & 255);
    assert.is((yield* r.read(10)).length, 0);
    w.close();
    server.close();
    yield* server.waitClosed();
  });
});

test.run();
