import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop } from "../../src/io/event-loop.js";
import type { ExceptionContext } from "../../src/loop/exception-context.js";
import { Handle, TimerHandle } from "../../src/loop/handle.js";
import { bounded, newLoop } from "../helpers.js";

test("callSoon runs callbacks in FIFO order with their arguments", () => {
  const { loop } = newLoop();
  const seen: unknown[] = [];
  loop.callSoon((a: number, b: string) => seen.push([a, b]), 1, "x");
  loop.callSoon(() => seen.push("second"));
  loop.callSoon(() => loop.stop());
  loop.runForeverSync();
  assert.equal(seen, [[1, "x"], "second"]);
});

test("handles pass no argument, one undefined argument, one array, or many arguments as given", () => {
  const { loop, host } = newLoop();
  const seen: unknown[][] = [];
  const record = (...args: unknown[]) => seen.push(args);
  loop.callSoon(record);
  loop.callSoon(record, undefined);
  loop.callSoon(record, [1, 2]);
  loop.callLater(1, record, "a", undefined, 3);
  loop.callAt(host.now() + 2, record, "only");
  loop.callLater(3, record);
  loop.callLater(4, record, undefined);
  loop.callAt(host.now() + 5, record, [3, 4]);
  loop.callLater(6, record, "b", "c");
  loop.callLater(7, () => loop.stop());
  loop.runForeverSync();
  assert.equal(seen, [[], [undefined], [[1, 2]], ["a", undefined, 3], ["only"], [], [undefined], [[3, 4]], ["b", "c"]]);
});

test("a timer handle with any number of arguments is a TimerHandle and says so", () => {
  const { loop } = newLoop();
  const named = () => {};
  for (const h of [loop.callLater(1, named), loop.callLater(1, named, 1), loop.callAt(1, named, 1, 2)]) {
    assert.instance(h, TimerHandle);
    assert.instance(h, Handle);
    assert.is(String(h), "<TimerHandle named()>");
    assert.is(h.when(), 1);
    h.cancel();
    assert.is(String(h), "<TimerHandle cancelled>");
  }
  assert.is(String(loop.callSoon(named, 1, 2)), "<Handle named()>");
  loop.close();
});

test("a cancelled handle keeps neither its callback nor its arguments alive", async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return; // the collector is not exposed (Deno): nothing to observe
  const { loop } = newLoop();
  const refs: WeakRef<object>[] = [];
  const handles = [0, 1, 2].map((nArgs) => {
    const cb = () => {};
    const args = Array.from({ length: nArgs }, () => ({}));
    refs.push(new WeakRef(cb), ...args.map((a) => new WeakRef(a)));
    return loop.callLater(10, cb, ...args);
  });
  for (const h of handles) h.cancel();
  await new Promise((resolve) => setTimeout(resolve, 0)); // WeakRefs hold their target until the job ends
  gc();
  assert.equal(
    refs.map((r) => r.deref()),
    refs.map(() => undefined),
  );
  assert.ok(handles.every((h) => h.cancelled()));
  loop.close();
});

test("callbacks queued during a pass run in the next pass, after the ones already queued", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  loop.callSoon(() => {
    seen.push("a1");
    loop.callSoon(() => seen.push("a2"));
  });
  loop.callSoon(() => {
    seen.push("b1");
    loop.callSoon(() => {
      seen.push("b2");
      loop.stop();
    });
  });
  loop.runForeverSync();
  assert.equal(seen, ["a1", "b1", "a2", "b2"]);
});

test("a callback that reschedules itself forever does not starve timers", () => {
  const { loop, host } = newLoop();
  let spins = 0;
  const spin = () => {
    spins++;
    host.advance(1);
    loop.callSoon(spin);
  };
  loop.callSoon(spin);
  loop.callLater(10, () => loop.stop());
  loop.runForeverSync();
  assert.ok(spins >= 10 && spins <= 12, `spins=${spins}`);
});

test("stop() finishes the current pass and leaves what it queued for the next run", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  loop.callSoon(() => {
    seen.push("a");
    loop.stop();
    loop.callSoon(() => seen.push("later"));
  });
  loop.callSoon(() => seen.push("b"));
  loop.runForeverSync();
  assert.equal(seen, ["a", "b"]);
  loop.callSoon(() => loop.stop());
  loop.runForeverSync();
  assert.equal(seen, ["a", "b", "later"]);
});

test("long chains of callbacks keep FIFO order across thousands of passes", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  let n = 0;
  // Pass by pass: [a] [b] [a c] [b] [a c] ...: what a callback queues runs after what was queued
  // before it, and only in the next pass.
  const a = () => {
    seen.push("a");
    if (++n < 5000) loop.callSoon(b);
    else loop.stop();
  };
  const b = () => {
    seen.push("b");
    loop.callSoon(a);
    loop.callSoon(() => seen.push("c"));
  };
  loop.callSoon(a);
  loop.runForeverSync();
  assert.is(seen.join(""), "ab" + "acb".repeat(4998) + "ac");
});

test("a callback that throws in a run of passes is reported and the passes go on", () => {
  const { loop } = newLoop();
  const errors: unknown[] = [];
  loop.setExceptionHandler((_l, ctx) => errors.push(ctx.exception));
  const seen: number[] = [];
  const step = (i: number) => {
    seen.push(i);
    if (i < 6) loop.callSoon(step, i + 1);
    else loop.stop();
    if (i === 3) throw new Error("three");
  };
  loop.callSoon(step, 0);
  loop.runForeverSync();
  assert.equal(seen, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(
    errors.map((e) => (e as Error).message),
    ["three"],
  );
});

test("a thread-safe callback posted during a chain of passes runs before the chain ends", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  let n = 0;
  const chain = () => {
    n++;
    if (n === 10) loop.callSoonThreadsafe(() => seen.push(`posted at ${n}`));
    if (seen.length === 0 && n < 10_000) loop.callSoon(chain);
    else loop.stop();
  };
  loop.callSoon(chain);
  loop.runForeverSync();
  assert.equal(seen, ["posted at 11"]);
});

test("stop() before runForever runs exactly one iteration", () => {
  const { loop } = newLoop();
  const seen: string[] = [];
  loop.callSoon(() => {
    seen.push("one");
    loop.callSoon(() => seen.push("two"));
  });
  loop.stop();
  loop.runForeverSync();
  assert.equal(seen, ["one"]);
});

test("a cancelled handle does not run", () => {
  const { loop } = newLoop();
  let ran = false;
  const h = loop.callSoon(() => {
    ran = true;
  });
  h.cancel();
  assert.ok(h.cancelled());
  loop.callSoon(() => loop.stop());
  loop.runForeverSync();
  assert.not.ok(ran);
});

test("an exception in a callback goes to the exception handler and the loop goes on", () => {
  const { loop } = newLoop();
  const contexts: ExceptionContext[] = [];
  loop.setExceptionHandler((l, ctx) => {
    assert.is(l, loop);
    contexts.push(ctx);
  });
  const boom = new Error("boom");
  function explode() {
    throw boom;
  }
  loop.callSoon(explode);
  let after = false;
  loop.callSoon(() => {
    after = true;
    loop.stop();
  });
  loop.runForeverSync();
  assert.ok(after);
  assert.is(contexts.length, 1);
  assert.is(contexts[0].exception, boom);
  assert.match(contexts[0].message, /Exception in callback/);
  assert.match(contexts[0].message, /explode/);
  assert.ok(contexts[0].handle);
});

test("an exception handler that throws falls back to the default handler", () => {
  const { loop } = newLoop();
  loop.setExceptionHandler(() => {
    throw new Error("handler broke");
  });
  const errors: unknown[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(" "));
  try {
    loop.callExceptionHandler({ message: "something", exception: new Error("x") });
  } finally {
    console.error = orig;
  }
  assert.is(errors.length, 1);
  assert.match(String(errors[0]), /Unhandled error in exception handler/);
});

test("getExceptionHandler returns what was set and null restores the default", () => {
  const { loop } = newLoop();
  assert.is(loop.getExceptionHandler(), null);
  const h = () => {};
  loop.setExceptionHandler(h);
  assert.is(loop.getExceptionHandler(), h);
  loop.setExceptionHandler(null);
  assert.is(loop.getExceptionHandler(), null);
  assert.throws(() => loop.setExceptionHandler(42 as any), TypeError);
});

test("debug mode reports a callback slower than slowCallbackDuration, naming it", () => {
  const { loop, host } = newLoop();
  loop.setDebug(true);
  assert.ok(loop.getDebug());
  loop.slowCallbackDuration = 50;
  const contexts: ExceptionContext[] = [];
  loop.setExceptionHandler((_l, ctx) => contexts.push(ctx));
  loop.callSoon(function quick() {
    host.advance(10);
  });
  loop.callSoon(function crunchNumbers() {
    host.advance(120);
  });
  loop.callSoon(() => loop.stop());
  loop.runForeverSync();
  assert.is(contexts.length, 1);
  assert.match(contexts[0].message, /crunchNumbers/);
  assert.match(contexts[0].message, /took 0\.120 seconds/);
});

test("bad arguments are rejected at the call", () => {
  const { loop } = newLoop();
  assert.throws(() => loop.callSoon(null as any), TypeError);
  assert.throws(() => loop.callAt(NaN, () => {}), RangeError);
  assert.throws(() => loop.callLater(-Infinity, () => {}), RangeError);
  assert.throws(() => loop.addReader(-1, () => {}), RangeError);
  assert.throws(() => loop.addReader(1.5, () => {}), RangeError);
  assert.throws(() => loop.addReader("3" as any, () => {}), TypeError);
  assert.throws(() => loop.addWriter(999, () => {}), /not open/);
  assert.throws(() => new EventLoop(5 as any), TypeError);
});

test("a negative delay means now", () => {
  const { loop } = newLoop();
  let at = -1;
  loop.callLater(-100, () => {
    at = loop.time();
    loop.stop();
  });
  loop.runForeverSync();
  assert.is(at, 0);
});

test("a closed loop refuses new callbacks, close is idempotent, and a running loop cannot close", () => {
  const { loop } = newLoop();
  let closeError: unknown = null;
  loop.callSoon(() => {
    try {
      loop.close();
    } catch (e) {
      closeError = e;
    }
    loop.stop();
  });
  loop.runForeverSync();
  assert.match(String(closeError), /running/);
  loop.close();
  loop.close();
  assert.ok(loop.isClosed());
  assert.throws(() => loop.callSoon(() => {}), /closed/);
  assert.throws(() => loop.callLater(1, () => {}), /closed/);
  assert.throws(() => loop.runForeverSync(), /closed/);
});

test("running a loop that is already running is an error", () => {
  const { loop } = newLoop();
  let nested: unknown = null;
  loop.callSoon(() => {
    assert.ok(loop.isRunning());
    try {
      loop.runForeverSync();
    } catch (e) {
      nested = e;
    }
    loop.stop();
  });
  loop.runForeverSync();
  assert.match(String(nested), /already running/);
  assert.not.ok(loop.isRunning());
});

test("runSync on a loop with nothing to wait for reports a deadlock instead of hanging", () => {
  const { loop } = newLoop();
  assert.throws(() => loop.runForeverSync(), /deadlock/);
});

test("the async driver runs timers on the real clock of the default host", async () => {
  const loop = new EventLoop();
  const seen: string[] = [];
  const t0 = loop.time();
  loop.callLater(15, () => {
    seen.push("b");
    loop.stop();
  });
  loop.callLater(5, () => seen.push("a"));
  await loop.runForever();
  assert.equal(seen, ["a", "b"]);
  assert.ok(loop.time() - t0 >= 15);
  loop.close();
});

test("callSoonThreadsafe wakes a loop that is waiting for a far timer", async () => {
  const loop = new EventLoop();
  const far = loop.callLater(60_000, () => {});
  setTimeout(() => loop.callSoonThreadsafe(() => loop.stop()), 5);
  await bounded(loop.runForever(), 20_000, "runForever (the far timer is 60 s away)");
  far.cancel();
  loop.close();
});

test("a timer added in the pass that used up the burst budget still fires on the async driver", async () => {
  const loop = new EventLoop();
  let passes = 0;
  const busy = () => {
    const until = performance.now() + 0.05;
    while (performance.now() < until) {
      /* a callback doing 50 µs of work */
    }
    if (++passes < 64) loop.callSoon(busy);
    else loop.callLater(5, () => loop.stop());
  };
  loop.callSoon(busy);
  await bounded(loop.runForever(), 20_000, "runForever");
  assert.is(passes, 64);
  loop.close();
});

test("stop() called from host code wakes a loop that is waiting", async () => {
  const loop = new EventLoop();
  setTimeout(() => loop.stop(), 10);
  await bounded(loop.runForever(), 20_000, "runForever");
  loop.close();
});

test("a future completed from a host callback wakes the task awaiting it", async () => {
  const loop = new EventLoop();
  const fut = loop.createFuture<string>();
  setTimeout(() => fut.setResult("from a host timer"), 10);
  const got = await bounded(loop.runUntilComplete(fut), 20_000, "runUntilComplete");
  assert.is(got, "from a host timer");
  loop.close();
});

test.run();
