// A closed loop gives its core instance back and the next loop takes it (src/core/instance-pool.ts):
// the next loop must see a core as empty as a new one, and nothing of the closed loop may reach it.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop } from "../../src/io/event-loop.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { newLoop } from "../helpers.js";

test("the next loop takes the closed loop's core, and its timers keep their order from a clean start", () => {
  const a = newLoop();
  for (let i = 0; i < 50; i++) a.loop.callLater(i % 5, () => {});
  a.loop.callLater(3, () => a.loop.stop());
  a.loop.runForeverSync();
  const core = a.loop._core.exports;
  a.loop.close();

  const { loop } = newLoop();
  assert.is(loop._core.exports, core, "the instance was reused");
  assert.is(core.timer_count(), 0);
  const seen: string[] = [];
  loop.callLater(5, () => seen.push("b"));
  loop.callLater(2, () => seen.push("a"));
  loop.callLater(5, () => seen.push("c"));
  loop.callLater(5, () => loop.stop());
  loop.runForeverSync();
  assert.equal(seen, ["a", "b", "c"]);
  assert.is(loop.time(), 5);
  loop.close();
});

test("a closed loop's timer handles and fd callbacks do not reach the core its successor took", () => {
  const a = newLoop();
  const [r] = a.host.pipe();
  const old = a.loop.callLater(4, () => {});
  a.loop.addReader(r, () => {});
  a.loop.close();

  const { loop, host } = newLoop();
  const seen: number[] = [];
  loop.callLater(4, () => seen.push(loop.time()));
  loop.callLater(6, () => loop.stop());
  old.cancel();
  assert.is(a.loop.removeReader(r), false);
  assert.throws(() => a.loop.addReader(r, () => {}), /closed/);
  const [r2, w2] = host.pipe();
  loop.addReader(r2, () => {
    seen.push(-1);
    loop.removeReader(r2);
  });
  host.write(w2, "x");
  loop.runForeverSync();
  assert.equal(seen, [-1, 4]);
  loop.close();
});

test("a loop on a host that outlives it releases its core too, and the host serves the next loop", () => {
  const host = new VirtualHost();
  const first = new EventLoop({ host });
  first.callLater(1, () => first.stop());
  first.runForeverSync();
  const core = first._core.exports;
  first.close();
  const second = new EventLoop({ host });
  assert.is(second._core.exports, core);
  let at = -1;
  second.callLater(2, () => {
    at = second.time();
    second.stop();
  });
  second.runForeverSync();
  assert.is(at, 3, "the host's clock went on from 1");
  second.close();
  host.close();
});

test.run();
