// Backpressure and scale over the default host: a slow reader under a 50 MB writer keeps every
// buffer bounded, and one busy connection among 1,000 idle ones still flows.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { createTask } from "../../src/tasks/create-task.js";
import { sleep } from "../../src/tasks/sleep.js";
import type { Task } from "../../src/tasks/task.js";
import { RECV_LIMIT, SEND_HIGH_WATER } from "../../src/hosts/node/tcp-socket.js";
import { openConnection, startServer, type StreamReader, type StreamWriter } from "../../src/io/streams/index.js";
import { socketHost, recordErrors } from "../helpers.js";

test("a slow reader under a 50 MB writer: host, reader and writer buffers stay bounded and drain waits", async () => {
  await run(function* () {
    const errors = recordErrors();
    const TOTAL = 50 * 1024 * 1024;
    const CHUNK = 64 * 1024;
    const peak = { recv: 0, send: 0, reader: 0, writer: 0, paused: 0 };
    const sample = (reader?: StreamReader, writer?: StreamWriter) => {
      const st = socketHost().socketStats();
      peak.recv = Math.max(peak.recv, st.maxRecvBuffered);
      peak.send = Math.max(peak.send, st.maxSendBuffered);
      peak.paused = Math.max(peak.paused, st.paused);
      if (reader) peak.reader = Math.max(peak.reader, reader.bufferedSize());
      if (writer) peak.writer = Math.max(peak.writer, writer.transport.getWriteBufferSize());
    };
    const received = getRunningLoop().createFuture<[number, number]>();
    const server = yield* startServer(
      function* (r, sw) {
        let n = 0,
          sum = 0,
          nextNap = 1 << 20;
        for (;;) {
          const data = yield* r.read(CHUNK);
          if (data.length === 0) break;
          for (let i = 0; i < data.length; i += 4096) sum = (sum + data[i] * (n + i)) % 1_000_000_007;
          n += data.length;
          sample(r);
          if (n >= nextNap) {
            // the slow part: a nap every MB while the writer keeps writing
            nextNap += 1 << 20;
            yield* sleep(2);
            sample(r);
          }
        }
        received.setResult([n, sum]);
        sw.close();
      },
      "127.0.0.1",
      0,
    );
    const [, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    let sent = 0,
      sum = 0,
      drainWaits = 0;
    const chunk = new Uint8Array(CHUNK);
    while (sent < TOTAL) {
      for (let i = 0; i < CHUNK; i++) chunk[i] = (sent + i) & 255;
      for (let i = 0; i < CHUNK; i += 4096) sum = (sum + chunk[i] * (sent + i)) % 1_000_000_007;
      w.write(chunk); // copied when buffered: the chunk is reused
      sent += CHUNK;
      sample(undefined, w);
      const [, high] = w.transport.getWriteBufferLimits();
      if (w.transport.getWriteBufferSize() > high) {
        drainWaits++;
        yield* w.drain();
        const [low] = w.transport.getWriteBufferLimits();
        assert.ok(w.transport.getWriteBufferSize() <= low, "drain returned above the low-water mark");
      } else {
        yield* w.drain();
      }
    }
    w.close();
    const [n, rsum] = yield* received;
    assert.is(n, TOTAL);
    assert.is(rsum, sum);
    assert.ok(drainWaits > 0, "drain never had to wait");
    assert.ok(peak.paused > 0, "the host never paused the socket");
    assert.ok(peak.recv <= RECV_LIMIT + CHUNK, `host receive buffer reached ${peak.recv}`);
    assert.ok(peak.send <= SEND_HIGH_WATER, `host send buffer reached ${peak.send}`);
    assert.ok(peak.reader <= 2 * 64 * 1024 + CHUNK, `reader buffer reached ${peak.reader}`);
    assert.ok(peak.writer <= 64 * 1024 + CHUNK, `writer buffer reached ${peak.writer}`);
    server.close();
    yield* server.waitClosed();
    assert.equal(errors, []);
  });
});

test("1,000 idle connections plus one busy one: the busy one completes 2,000 round trips", async () => {
  await run(function* () {
    const errors = recordErrors();
    let handlers = 0,
      ended = 0;
    const server = yield* startServer(
      function* (r, w) {
        handlers++;
        for (;;) {
          const msg = yield* r.read(64);
          if (msg.length === 0) break;
          w.write(msg);
          yield* w.drain();
        }
        ended++;
        w.close();
      },
      "127.0.0.1",
      0,
      { backlog: 1024 },
    );
    const port = server.address()!.port;
    const idle: StreamWriter[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const tasks: Task<[StreamReader, StreamWriter]>[] = [];
      for (let i = 0; i < 100; i++) tasks.push(createTask(openConnection("127.0.0.1", port)));
      for (const t of tasks) idle.push((yield* t)[1]);
    }
    const [r, w] = yield* openConnection("127.0.0.1", port);
    const msg = new Uint8Array(64).fill(42);
    for (let i = 0; i < 2000; i++) {
      msg[0] = i & 255;
      w.write(msg);
      const back = yield* r.readexactly(64);
      assert.is(back[0], i & 255);
    }
    assert.is(handlers, 1001);
    assert.is(socketHost().socketStats().sockets, 2002);
    for (const iw of idle) iw.close();
    w.close();
    yield* w.waitClosed();
    for (const iw of idle) yield* iw.waitClosed();
    server.close();
    yield* server.waitClosed();
    assert.is(ended, 1001);
    assert.is(socketHost().socketStats().sockets, 0);
    assert.equal(errors, []);
  });
});

test.run();
