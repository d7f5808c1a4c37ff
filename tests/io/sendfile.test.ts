// loop.sendfile and loop.sockSendfile (asyncio's fallback path: the file read in chunks off the
// loop and written with flow control), over real loopback sockets and a real temporary file;
// CPython's test_sendfile cases where they apply.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { createTask } from "../../src/tasks/create-task.js";
import { Future } from "../../src/tasks/future.js";
import { fromPromise } from "../../src/tasks/from-promise.js";
import { SendfileNotAvailableError } from "../../src/errors.js";
import { Protocol, type Transport } from "../../src/io/transports/index.js";
import { codeOf, noFdsLeft, socketHost, throwsA } from "../helpers.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";

const dir = mkdtempSync(join(tmpdir(), "wasio-sendfile-"));
const DATA = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);
const path = join(dir, "data.bin");
writeFileSync(path, DATA);

/** A server protocol that keeps every byte and answers "ok" at EOF. */
class Sink extends Protocol {
  got: Uint8Array[] = [];
  size = 0;
  done: Future<Uint8Array>;
  t!: Transport;
  constructor() {
    super();
    this.done = new Future(getRunningLoop());
  }
  override connectionMade(t: Transport): void {
    this.t = t;
  }
  override dataReceived(d: Uint8Array): void {
    this.got.push(d.slice());
    this.size += d.length;
  }
  override eofReceived(): boolean {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.got) {
      all.set(c, at);
      at += c.length;
    }
    this.t.write("ok");
    this.t.close();
    this.done.setResult(all);
    return true;
  }
}

/** A client protocol that records what it is told after the file. */
class Client extends Protocol {
  heard = "";
  override dataReceived(d: Uint8Array): void {
    this.heard += new TextDecoder().decode(d);
  }
}

function* connectedPair(): Coroutine<[Transport, Client, Sink, () => Coroutine<void>]> {
  const loop = getRunningLoop();
  const sinks: Sink[] = [];
  const server = yield* loop.createServer(
    () => {
      const s = new Sink();
      sinks.push(s);
      return s;
    },
    "127.0.0.1",
    0,
  );
  const [t, client] = yield* loop.createConnection(() => new Client(), "127.0.0.1", server.address()!.port);
  while (sinks.length === 0) yield;
  return [
    t,
    client,
    sinks[0],
    function* () {
      server.close();
      yield* server.waitClosed();
    },
  ];
}

test("loop.sendfile sends a whole file over a transport and gives the transport back to its protocol (test_sendfile)", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const [t, client, sink, stop] = yield* connectedPair();
    const fd = openSync(path, "r");
    try {
      assert.is(yield* loop.sendfile(t, fd), DATA.length);
    } finally {
      closeSync(fd);
    }
    assert.is(t.getProtocol(), client, "the protocol is restored");
    assert.ok(t.isReading(), "reading is resumed");
    t.writeEof();
    const got = yield* sink.done;
    assert.equal(got, DATA);
    while (client.heard !== "ok") yield;
    t.close();
    yield* stop();
    yield* noFdsLeft();
  });
});

test("offset and count send a slice; a FileHandle works as a file (test_sendfile_partial, test_sendfile_offset)", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const [t, , sink, stop] = yield* connectedPair();
    const handle = yield* fromPromise(open(path, "r"));
    try {
      assert.is(yield* loop.sendfile(t, handle, 1000, 50_000), 50_000);
      assert.is(yield* loop.sendfile(t, handle, DATA.length - 10, 1000), 10, "count past the end: what there is");
    } finally {
      yield* fromPromise(handle.close());
    }
    t.writeEof();
    const got = yield* sink.done;
    assert.equal(got.subarray(0, 50_000), DATA.subarray(1000, 51_000));
    assert.equal(got.subarray(50_000), DATA.subarray(DATA.length - 10));
    t.close();
    yield* stop();
  });
});

test("fallback: false throws SendfileNotAvailableError; a closing transport and bad arguments are refused (test_sendfile_not_available, test_sendfile_closing)", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const [t, , , stop] = yield* connectedPair();
    const fd = openSync(path, "r");
    try {
      try {
        yield* loop.sendfile(t, fd, 0, null, { fallback: false });
        assert.unreachable();
      } catch (e) {
        assert.instance(e, SendfileNotAvailableError);
      }
      throwsA(() => loop.sendfile(t, fd, -1), RangeError, "offset");
      throwsA(() => loop.sendfile(t, fd, 0, 0), RangeError, "count");
      throwsA(() => loop.sendfile(t, "file" as any), TypeError, "file");
      throwsA(() => loop.sendfile({} as any, fd), TypeError, "Transport");
      t.close();
      const [, message] = yield* codeOf(loop.sendfile(t, fd));
      assert.match(message, "Transport is closing");
    } finally {
      closeSync(fd);
    }
    yield* stop();
  });
});

test("loop.sockSendfile sends a file on a socket fd with sockSendall (test_sock_sendfile)", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const lfd = yield* loop.sockListen(["127.0.0.1", 0]);
    const accepting = createTask(loop.sockAccept(lfd));
    const cfd = yield* loop.sockConnect(["127.0.0.1", socketHost().sockName(lfd)!.port]);
    const [sfd] = yield* accepting;
    const fd = openSync(path, "r");
    const sending = createTask(loop.sockSendfile(cfd, fd, 10, 200_000));
    const got = new Uint8Array(200_000);
    let n = 0;
    while (n < got.length) n += yield* loop.sockRecvInto(sfd, got.subarray(n));
    assert.is(yield* sending, 200_000);
    closeSync(fd);
    assert.equal(got, DATA.subarray(10, 200_010));
    for (const x of [sfd, cfd, lfd]) loop.sockClose(x);
    yield* noFdsLeft();
  });
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
