import { test } from "uvu";
import * as assert from "uvu/assert";
import { newLoop, text } from "../helpers.js";

test("a reader runs when its pipe holds data, at the simulated time the data arrived", () => {
  const { loop, host } = newLoop();
  const [r, w] = host.pipe();
  const got: [string, number][] = [];
  loop.addReader(r, () => {
    const buf = new Uint8Array(64);
    const n = host.read(r, buf);
    got.push([text(buf.subarray(0, n)), loop.time()]);
    if (got.length === 2) loop.stop();
  });
  loop.callLater(30, () => host.write(w, "hello"));
  loop.callLater(70, () => host.write(w, "world"));
  loop.runForeverSync();
  assert.equal(got, [
    ["hello", 30],
    ["world", 70],
  ]);
});

test("readiness is level-triggered: an undrained pipe stays readable", () => {
  const { loop, host } = newLoop();
  const [r, w] = host.pipe();
  host.write(w, "abcdef");
  const chunks: string[] = [];
  host.injectShortRead(r, 2);
  loop.addReader(r, () => {
    const buf = new Uint8Array(4);
    const n = host.read(r, buf);
    chunks.push(text(buf.subarray(0, n)));
    if (n <= 0 || chunks.join("") === "abcdef") {
      loop.removeReader(r);
      loop.stop();
    }
  });
  loop.runForeverSync();
  assert.equal(chunks, ["ab", "cdef"]);
});

test("removeReader returns true once, then false; an fd that never had a reader gives false", () => {
  const { loop, host } = newLoop();
  const [r] = host.pipe();
  loop.addReader(r, () => {});
  assert.is(loop.removeReader(r), true);
  assert.is(loop.removeReader(r), false);
  assert.is(loop.removeWriter(r), false);
  assert.is(loop.removeReader(12345), false);
});

test("a reader removed in the same pass as its event does not run", () => {
  const { loop, host } = newLoop();
  const [r1, w1] = host.pipe();
  const [r2, w2] = host.pipe();
  host.write(w1, "x");
  host.write(w2, "y");
  const ran: string[] = [];
  loop.addReader(r1, () => {
    ran.push("r1");
    loop.removeReader(r2);
    loop.removeReader(r1);
  });
  loop.addReader(r2, () => {
    ran.push("r2");
    loop.removeReader(r1);
    loop.removeReader(r2);
  });
  loop.callLater(1, () => loop.stop());
  loop.runForeverSync();
  assert.is(ran.length, 1);
});

test("a writer runs while the pipe has room and waits while it is full", () => {
  const { loop, host } = newLoop(8);
  const [r, w] = host.pipe();
  const log: string[] = [];
  let sent = 0;
  loop.addWriter(w, () => {
    const n = host.write(w, new Uint8Array(5));
    log.push(`write ${n} at ${loop.time()}`);
    if (n > 0) sent += n;
    if (sent >= 21) {
      loop.removeWriter(w);
      loop.stop();
    }
  });
  loop.callLater(100, () => {
    host.read(r, new Uint8Array(8));
    log.push("drained");
  });
  loop.callLater(200, () => {
    host.read(r, new Uint8Array(8));
    log.push("drained");
  });
  loop.runForeverSync();
  assert.equal(log, [
    "write 5 at 0",
    "write 3 at 0",
    "drained",
    "write 5 at 100",
    "write 3 at 100",
    "drained",
    "write 5 at 200",
  ]);
});

test("replacing a reader cancels the old callback", () => {
  const { loop, host } = newLoop();
  const [r, w] = host.pipe();
  host.write(w, "z");
  const ran: string[] = [];
  const old = loop.addReader(r, () => ran.push("old"));
  loop.addReader(r, () => {
    ran.push("new");
    loop.removeReader(r);
    loop.stop();
  });
  assert.ok(old.cancelled());
  loop.runForeverSync();
  assert.equal(ran, ["new"]);
});

test("an injected error wakes the reader, whose read returns it; a hang-up then gives end of file", () => {
  const { loop, host } = newLoop();
  const [r] = host.pipe();
  const seen: string[] = [];
  loop.addReader(r, () => {
    const n = host.read(r, new Uint8Array(4));
    seen.push(`read ${n}`);
    if (n === 0) {
      loop.removeReader(r);
      loop.stop();
    }
  });
  loop.callLater(5, () => host.injectError(r, 29));
  loop.callLater(6, () => host.injectHangup(r));
  loop.runForeverSync();
  assert.equal(seen, ["read -29", "read 0"]);
});

test("closing the write end gives the reader end of file", () => {
  const { loop, host } = newLoop();
  const [r, w] = host.pipe();
  host.write(w, "last");
  host.closeFd(w);
  const reads: number[] = [];
  loop.addReader(r, () => {
    const n = host.read(r, new Uint8Array(16));
    reads.push(n);
    if (n === 0) {
      loop.removeReader(r);
      loop.stop();
    }
  });
  loop.runForeverSync();
  assert.equal(reads, [4, 0]);
});

test("I/O callbacks of an iteration run before the timers that expired in it", () => {
  const { loop, host } = newLoop();
  const [r, w] = host.pipe();
  const order: string[] = [];
  loop.callLater(10, () => {
    host.write(w, "x");
    order.push("writer timer");
  });
  loop.callLater(20, () => order.push("timer at 20"));
  loop.addReader(r, () => {
    host.read(r, new Uint8Array(1));
    order.push(`reader at ${loop.time()}`);
    loop.removeReader(r);
  });
  loop.callLater(30, () => loop.stop());
  loop.runForeverSync();
  assert.equal(order, ["writer timer", "reader at 10", "timer at 20"]);
});

test("a reader whose handle was cancelled is removed instead of making every poll return at once", () => {
  const { loop, host } = newLoop();
  const [r, w] = host.pipe();
  host.write(w, "never read");
  const h = loop.addReader(r, () => assert.unreachable("a cancelled reader ran"));
  h.cancel();
  let polls = 0;
  const before = host.pollCalls;
  loop.callLater(10, () => {
    polls = host.pollCalls - before;
    loop.stop();
  });
  loop.runForeverSync();
  assert.is(loop.time(), 10);
  assert.ok(polls < 10, `polls=${polls}`);
  assert.is(loop.removeReader(r), false, "already removed");
});

test.run();
