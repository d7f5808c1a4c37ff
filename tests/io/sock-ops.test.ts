// asyncio's low-level calls over host socket fds (loop.sockConnect/sockListen/sockAccept/
// sockRecv/sockRecvInto/sockSendall/sockClose), getnameinfo, and the Happy Eyeballs options.
// Real sockets on 127.0.0.1 only.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { createTask } from "../../src/tasks/create-task.js";
import { CancelledError } from "../../src/errors.js";
import { openConnection, startServer } from "../../src/io/streams/index.js";
import { NI_NUMERICHOST, NI_NUMERICSERV } from "../../src/io/dns/getnameinfo.js";
import { noFdsLeft, socketHost, text, throwsA } from "../helpers.js";

test("sockListen, sockConnect and sockAccept make fds that sockSendall, sockRecv and sockRecvInto move bytes over", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const lfd = yield* loop.sockListen(["127.0.0.1", 0]);
    const port = socketHost().sockName(lfd)!.port;
    const accepting = createTask(loop.sockAccept(lfd));
    const cfd = yield* loop.sockConnect(["127.0.0.1", port]);
    const [sfd, peer] = yield* accepting;
    assert.is(peer!.address, "127.0.0.1");
    const big = new Uint8Array(1 << 20).map((_, i) => i & 255);
    const sending = createTask(loop.sockSendall(cfd, big)); // more than the host buffers: waits for room
    const got = new Uint8Array(big.length);
    let n = 0;
    while (n < big.length) n += yield* loop.sockRecvInto(sfd, got.subarray(n));
    yield* sending;
    assert.ok(got.every((b, i) => b === (i & 255)));
    yield* loop.sockSendall(sfd, "reply");
    assert.is(text(yield* loop.sockRecv(cfd, 100)), "reply");
    loop.sockClose(sfd);
    assert.is((yield* loop.sockRecv(cfd, 10)).length, 0, "EOF after the peer closed");
    loop.sockClose(cfd);
    loop.sockClose(lfd);
    yield* noFdsLeft();
  });
});

test("a cancelled sockRecv removes its reader and consumes nothing", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const lfd = yield* loop.sockListen(["127.0.0.1", 0]);
    const cfd = yield* loop.sockConnect(["127.0.0.1", socketHost().sockName(lfd)!.port]);
    const [sfd] = yield* loop.sockAccept(lfd);
    const t = createTask(loop.sockRecv(sfd, 10));
    yield;
    t.cancel();
    try {
      yield* t;
      assert.unreachable();
    } catch (e) {
      assert.instance(e, CancelledError);
    }
    assert.not.ok(loop.removeReader(sfd), "no reader left");
    yield* loop.sockSendall(cfd, "kept");
    assert.is(text(yield* loop.sockRecv(sfd, 10)), "kept");
    for (const fd of [cfd, sfd, lfd]) loop.sockClose(fd);
    yield* noFdsLeft();
  });
});

test("sockConnect to a closed port throws ECONNREFUSED and leaves no fd; bad arguments throw at the call", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const lfd = yield* loop.sockListen(["127.0.0.1", 0]);
    const port = socketHost().sockName(lfd)!.port;
    loop.sockClose(lfd);
    try {
      yield* loop.sockConnect(["127.0.0.1", port]);
      assert.unreachable();
    } catch (e) {
      assert.is((e as { code?: string }).code, "ECONNREFUSED");
    }
    yield* noFdsLeft();
    throwsA(() => loop.sockConnect("127.0.0.1:80" as any), TypeError, "address");
    throwsA(() => loop.sockRecv(3, -1), RangeError, "nbytes");
    throwsA(() => loop.sockClose(999), Error, "EBADF");
  });
});

test("getnameinfo gives numeric forms with NI_NUMERICHOST | NI_NUMERICSERV and a name for loopback otherwise", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    assert.equal(yield* loop.getnameinfo(["127.0.0.1", 8080], NI_NUMERICHOST | NI_NUMERICSERV), ["127.0.0.1", "8080"]);
    const [host, service] = yield* loop.getnameinfo(["127.0.0.1", 22], NI_NUMERICSERV);
    assert.type(host, "string");
    assert.ok(host.length > 0);
    assert.is(service, "22");
    throwsA(() => loop.getnameinfo(["not an ip", 1]), RangeError, "IP address");
    throwsA(() => loop.getnameinfo(["127.0.0.1", 70000]), RangeError, "port");
  });
});

test("happyEyeballsDelay and interleave are accepted by openConnection and createConnection, and checked", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const server = yield* startServer(
      (_r, w) => {
        w.write("hi\n");
        w.close();
      },
      "127.0.0.1",
      0,
    );
    const port = server.address()!.port;
    const [r, w] = yield* openConnection("localhost", port, { happyEyeballsDelay: 250, interleave: 1 });
    assert.is(text(yield* r.readline()), "hi\n");
    w.close();
    throwsA(() => openConnection("localhost", port, { happyEyeballsDelay: -1 }), RangeError, "happyEyeballsDelay");
    throwsA(() => openConnection("localhost", port, { interleave: 1.5 }), RangeError, "interleave");
    throwsA(
      () =>
        loop.createConnection(
          () => ({ connectionMade() {}, connectionLost() {}, dataReceived() {} }),
          "localhost",
          port,
          { happyEyeballsDelay: "x" as any },
        ),
      TypeError,
    );
    server.close();
    yield* server.waitClosed();
  });
});

test.run();
