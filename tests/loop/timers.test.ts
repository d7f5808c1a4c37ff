import { test } from "uvu";
import * as assert from "uvu/assert";
import { newLoop } from "../helpers.js";

test("timers fire in deadline order and equal deadlines in scheduling order", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  loop.callLater(50, () => seen.push("b"));
  loop.callLater(10, () => seen.push("a"));
  loop.callLater(50, () => seen.push("c"));
  loop.callLater(50, () => {
    seen.push("d");
    loop.stop();
  });
  loop.runForeverSync();
  assert.equal(seen, ["a", "b", "c", "d"]);
  assert.is(loop.time(), 50);
  loop.close();
});

test("a timer added by a callback fires no earlier than the next pass, even when already due", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  loop.callSoon(() => {
    seen.push("first");
    loop.callLater(-5, () => seen.push("timer"));
    loop.callSoon(() => seen.push("soon"));
  });
  loop.callLater(1, () => loop.stop());
  loop.runForeverSync();
  assert.equal(seen, ["first", "soon", "timer"]);
});

test("a cancelled timer never runs and cancelling a fired timer does nothing", () => {
  const { loop } = newLoop();
  let calls = 0;
  const h = loop.callLater(5, () => calls++);
  const g = loop.callLater(3, () => calls++);
  h.cancel();
  loop.callLater(10, () => {
    g.cancel();
    loop.stop();
  });
  loop.runForeverSync();
  assert.is(calls, 1);
  assert.ok(h.cancelled());
});

test("huge timeouts are accepted and non-finite ones rejected", () => {
  const { loop } = newLoop();
  const h = loop.callLater(1e15, () => {});
  assert.is(h.when(), 1e15);
  assert.throws(() => loop.callLater(NaN, () => {}), RangeError);
  assert.throws(() => loop.callLater(Infinity, () => {}), RangeError);
  assert.throws(() => loop.callLater("5" as any, () => {}), TypeError);
  assert.throws(() => loop.callLater(5, 42 as any), TypeError);
  h.cancel();
});

test("when() is exact for every timer of two interleaved loops, before and after it fired or was cancelled", () => {
  const a = newLoop().loop;
  const b = newLoop().loop;
  const handles: { h: ReturnType<typeof a.callAt>; when: number }[] = [];
  // Fractional deadlines, negative zero and more timers than share one block of deadlines.
  for (let i = 0; i < 700; i++) {
    const loop = i % 3 === 0 ? b : a;
    const when = i === 0 ? -0 : i / 7 + 0.1;
    handles.push({ h: loop.callAt(when, () => {}), when });
  }
  for (let i = 1; i < handles.length; i += 2) handles[i]!.h.cancel();
  for (const { h, when } of handles) assert.ok(Object.is(h.when(), when), `${h.when()} !== ${when}`);
  for (const loop of [a, b]) {
    loop.callLater(200, () => loop.stop());
    loop.runForeverSync();
  }
  for (const { h, when } of handles) assert.ok(Object.is(h.when(), when), `${h.when()} !== ${when} after running`);
  a.close();
  b.close();
});

test("a timer cancelled before the next poll never reaches the core's heap", () => {
  const { loop } = newLoop();
  const core = loop._core.exports;
  const hs = Array.from({ length: 100 }, (_, i) => loop.callLater(i, () => {}));
  for (const h of hs) h.cancel();
  let fired = false;
  loop.callLater(5, () => {
    fired = true;
    loop.stop();
  });
  loop.runForeverSync();
  assert.ok(fired);
  assert.is(core.timer_heap_size(), 0);
  assert.is(core.timer_count(), 0);
});

test("timers scheduled in different passes keep scheduling order for equal deadlines", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  loop.callAt(50, () => seen.push("first"));
  loop.callSoon(() => {
    loop.callAt(50, () => seen.push("second"));
    loop.callSoon(() =>
      loop.callAt(50, () => {
        seen.push("third");
        loop.stop();
      }),
    );
  });
  loop.runForeverSync();
  assert.equal(seen, ["first", "second", "third"]);
});

test("thousands of timers scheduled in one callback fire in deadline order, ties in scheduling order, the cancelled ones never", () => {
  const { loop } = newLoop();
  const n = 5000; // many times the batch's chunk
  const seen: number[] = [];
  const handles = [];
  for (let i = 0; i < n; i++) handles.push(loop.callLater((i * 7) % 13, () => seen.push(i)));
  for (let i = 0; i < n; i += 3) handles[i]!.cancel();
  loop.callLater(20, () => loop.stop());
  loop.runForeverSync();
  const expected = Array.from({ length: n }, (_, i) => i)
    .filter((i) => i % 3 !== 0)
    .sort((a, b) => ((a * 7) % 13) - ((b * 7) % 13) || a - b);
  assert.equal(seen, expected);
  assert.is(loop._core.exports.timer_count(), 0);
  for (const [i, h] of handles.entries()) assert.is(h.when(), (i * 7) % 13);
  loop.close();
});

test("closing a loop cancels the timers it has not handed to its core yet, however many", () => {
  const { loop } = newLoop();
  const handles = Array.from({ length: 1000 }, () => loop.callLater(1, () => {}));
  loop.close();
  assert.ok(handles.every((h) => h.cancelled()));
});

test.run();
