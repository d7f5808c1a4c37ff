import { test } from "uvu";
import * as assert from "uvu/assert";
import { ReadyList } from "../../src/hosts/ready-list.js";
import { FdTable, type Resource } from "../../src/hosts/fd-table.js";
import { type PollScan, scanSubscriptions } from "../../src/hosts/poll-shim.js";

class FakeResource implements Resource {
  fd = -1;
  readable = false;
  writable = false;
  error = 0;
  readReady() {
    return this.readable;
  }
  writeReady() {
    return this.writable;
  }
  readableBytes() {
    return this.readable ? 7 : 0;
  }
  hungUp() {
    return false;
  }
  takeError() {
    const e = this.error;
    this.error = 0;
    return e;
  }
  close() {}
}

/** A clock at 1,000 ms that counts how often it is read. */
function countingClock() {
  const clock = {
    reads: 0,
    now(): number {
      clock.reads++;
      return 1000;
    },
  };
  return clock;
}

function setup() {
  const clock = countingClock();
  const table = new FdTable();
  const list = new ReadyList();
  const view = new DataView(new ArrayBuffer(64 * 1024));
  const scan: PollScan = { count: 0, clockMs: -1, clockAt: -1 };
  const SUBS = 0,
    EVENTS = 32 * 1024;
  // one clock subscription of 5 ms at SUBS (the core always puts the clock first)
  view.setUint8(SUBS + 8, 0);
  view.setUint32(SUBS + 24, 5_000_000, true);
  const poll = () => {
    list.scan(view, table, SUBS, EVENTS, clock, scan);
    const events: [number, number, number][] = [];
    for (let i = 0; i < scan.count; i++) {
      const at = EVENTS + i * 32;
      const ud = view.getUint32(at, true);
      events.push([ud >> 1, view.getUint8(at + 10), view.getUint16(at + 8, true)]);
    }
    return events;
  };
  return { table, list, scan, poll, view, clock, SUBS };
}

test("only fds that changed or were ready are reported, with the core's userdata and the clock found", () => {
  const { table, list, scan, poll } = setup();
  const res = Array.from({ length: 1000 }, () => new FakeResource());
  for (const r of res) list.setInterest(table.open(r), 1);
  assert.equal(poll(), [], "nothing ready yet");
  assert.is(scan.clockMs, 5);
  res[500].readable = true;
  list.touch(res[500].fd);
  assert.equal(poll(), [[res[500].fd, 1, 0]]);
});

test("a relative clock subscription reads no clock; an absolute one is measured from the clock's now", () => {
  const { scan, poll, view, clock, SUBS } = setup();
  poll();
  assert.is(scan.clockMs, 5);
  assert.is(clock.reads, 0, "the core's relative clock needs no reading");
  view.setBigUint64(SUBS + 24, 1_003_500_000n, true); // absolute: 1,003.5 ms
  view.setUint16(SUBS + 40, 1, true);
  poll();
  assert.is(scan.clockMs, 3.5);
  assert.is(clock.reads, 1);
  view.setBigUint64(SUBS + 24, 999_000_000n, true); // absolute, already past
  poll();
  assert.is(scan.clockMs, 0);
});

test("the full scan of the subscriptions reads the clock only for an absolute clock subscription too", () => {
  const view = new DataView(new ArrayBuffer(1024));
  const scan: PollScan = { count: 0, clockMs: -1, clockAt: -1 };
  const clock = countingClock();
  view.setUint8(8, 0); // one clock subscription, relative, 5 ms
  view.setBigUint64(24, 5_000_000n, true);
  scanSubscriptions(view, new FdTable(), 0, 512, 1, clock, scan);
  assert.equal([scan.clockMs, clock.reads], [5, 0]);
  view.setBigUint64(24, 1_002_000_000n, true);
  view.setUint16(40, 1, true);
  scanSubscriptions(view, new FdTable(), 0, 512, 1, clock, scan);
  assert.equal([scan.clockMs, clock.reads], [2, 1]);
});

test("a ready fd stays reported until it is no longer ready (level-triggered)", () => {
  const { table, list, poll } = setup();
  const r = new FakeResource();
  const fd = table.open(r);
  list.setInterest(fd, 3);
  r.readable = true;
  r.writable = true;
  list.touch(fd);
  assert.equal(poll(), [
    [fd, 1, 0],
    [fd, 2, 0],
  ]);
  assert.equal(
    poll(),
    [
      [fd, 1, 0],
      [fd, 2, 0],
    ],
    "still ready without a new touch",
  );
  r.readable = false;
  assert.equal(poll(), [[fd, 2, 0]]);
  r.writable = false;
  assert.equal(poll(), []);
  assert.equal(poll(), [], "no longer a candidate");
});

test("an fd whose interest is removed is not reported, and a closed fd reports EBADF", () => {
  const { table, list, poll } = setup();
  const a = new FakeResource(),
    b = new FakeResource();
  const fa = table.open(a),
    fb = table.open(b);
  list.setInterest(fa, 1);
  list.setInterest(fb, 1);
  a.readable = b.readable = true;
  list.touch(fa);
  list.touch(fb);
  list.setInterest(fa, 0);
  assert.equal(poll(), [[fb, 1, 0]]);
  table.close(fb);
  list.touch(fb);
  assert.equal(poll(), [[fb, 1, 8]]);
});

test("an error is reported with the next event even when the fd is not ready", () => {
  const { table, list, poll } = setup();
  const r = new FakeResource();
  const fd = table.open(r);
  list.setInterest(fd, 1);
  r.error = 15;
  list.touch(fd);
  assert.equal(poll(), [[fd, 1, 15]]);
  assert.equal(poll(), [], "the error was taken");
});

test("every field of an event is written, at word-aligned and unaligned addresses alike, padding untouched", () => {
  for (const events of [4096, 4097, 4098]) {
    const table = new FdTable();
    const list = new ReadyList();
    const view = new DataView(new ArrayBuffer(8192));
    new Uint8Array(view.buffer).fill(0xee);
    view.setUint8(8, 1); // the first subscription is not a clock
    const r = new FakeResource();
    const fd = table.open(r);
    r.hungUp = () => true;
    r.readable = r.writable = true;
    r.error = 15;
    list.setInterest(fd, 3);
    const scan: PollScan = { count: 0, clockMs: -1, clockAt: -1 };
    list.scan(view, table, 0, events, countingClock(), scan);
    assert.is(scan.count, 2);
    const fields = (at: number) => [
      view.getUint32(at, true),
      view.getUint32(at + 4, true),
      view.getUint16(at + 8, true),
      view.getUint8(at + 10),
      view.getUint32(at + 16, true),
      view.getUint32(at + 20, true),
      view.getUint16(at + 24, true),
    ];
    // The error goes with the first direction asked for; both carry the hangup flag.
    assert.equal(fields(events), [fd * 2, 0, 15, 1, 0, 0, 1], `read event at ${events}`);
    assert.equal(fields(events + 32), [fd * 2 + 1, 0, 0, 2, 0, 0, 1], `write event at ${events}`);
    r.error = 0;
    list.scan(view, table, 0, events, countingClock(), scan);
    assert.equal(fields(events), [fd * 2, 0, 0, 1, 7, 0, 1], `nbytes at ${events}`);
    assert.is(view.getUint8(events + 64), 0xee, "nothing written past the events");
    assert.is(view.getUint8(events - 1), 0xee, "nothing written before them");
  }
});

test.run();
