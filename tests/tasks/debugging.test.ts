// Debugging: getStack/printStack, call graphs, debug mode's coroutine reports.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { runSync } from "../../src/run.js";
import { Queue } from "../../src/sync/queue.js";
import { asyncWith } from "../../src/tasks/async-with.js";
import { call } from "../../src/tasks/call.js";
import { captureCallGraph, formatCallGraph, printCallGraph } from "../../src/tasks/call-graph.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { createTask } from "../../src/tasks/create-task.js";
import { currentTask } from "../../src/tasks/current.js";
import { gather } from "../../src/tasks/gather.js";
import { shield } from "../../src/tasks/shield.js";
import { sleep } from "../../src/tasks/sleep.js";
import { Task } from "../../src/tasks/task.js";
import { TaskGroup } from "../../src/tasks/task-group.js";
import { runVirtual, runScript, throwsA, thrownBy } from "../helpers.js";

// ---------------------------------------------------------------- getStack / printStack

test("test_tasks.test_get_stack: the running task's stack names its functions, outermost first", () => {
  runVirtual(function* () {
    let frames: string[] = [];
    let printed = "";
    function* bar(): Coroutine<void> {
      frames = currentTask()!
        .getStack()
        .map((f) => f.name);
      currentTask()!.printStack({
        limit: 1,
        write: (t) => {
          printed = t;
        },
      });
      yield;
    }
    function* foo(): Coroutine<void> {
      yield* bar();
    }
    yield* createTask(foo(), { name: "T" });
    assert.equal(frames.slice(-2), ["foo", "bar"]);
    assert.match(
      printed,
      /^Stack for <Task pending name="T".*\(most recent call last\):\n {2}File ".*", line \d+, in bar\(\)$/,
    );
  });
});

test("a suspended task's stack holds its coroutine and those of its call() chain; a done task has none", () => {
  runVirtual(function* () {
    function* inner(): Coroutine<number> {
      yield* sleep(10);
      return 1;
    }
    function* outer(): Coroutine<number> {
      return yield* call(inner());
    }
    const t = createTask(outer());
    yield;
    const stack = t.getStack();
    assert.is(stack.length, 2);
    assert.ok(stack.every((f) => f.coroutine !== null));
    assert.is(t.getStack({ limit: 1 }).length, 1);
    let printed = "";
    t.printStack({
      write: (s) => {
        printed = s;
      },
    });
    assert.match(printed, "suspended coroutine");
    assert.match(printed, "awaiting <Future pending>");
    yield* t;
    assert.equal(t.getStack(), []);
    throwsA(() => t.getStack({ limit: -1 }), RangeError);
  });
});

// ---------------------------------------------------------------- call graphs

test("test_graph.test_stack_tgroup: a child's graph shows it awaited by the task that entered the TaskGroup", () => {
  runVirtual(function* () {
    let text = "";
    yield* asyncWith(new TaskGroup(), function* (tg) {
      tg.createTask(
        (function* testChild() {
          yield;
          text = formatCallGraph();
        })(),
        { name: "test" },
      );
    });
    const lines = text.split("\n");
    assert.match(lines[0], /^\* Task\(name="test", id=\d+\)$/);
    assert.is(lines[1], "  + Call stack:");
    assert.match(lines[2], /^ {2}\| {3}File ".*", line \d+, in testChild\(\)$/);
    assert.ok(lines.includes("  + Awaited by:"));
    assert.ok(lines.some((l) => /^ {4}\* Task\(name="Task-\d+", id=\d+\)$/.test(l)));
  });
});

test("test_graph.test_stack_gather: gather's children are awaited by the gather, which the parent awaits", () => {
  runVirtual(function* () {
    const main = currentTask()!;
    const a = createTask(sleep(10), { name: "a" });
    const g = gather([a, sleep(20)]);
    yield;
    const graph = captureCallGraph(a)!;
    assert.is(graph.future, a);
    assert.is(graph.awaitedBy[0].future, g);
    assert.is(graph.awaitedBy[0].awaitedBy.length, 0); // nobody awaits the gather yet
    const waiter = createTask(
      (function* () {
        return yield* g;
      })(),
      { name: "w" },
    );
    yield;
    const again = captureCallGraph(a)!;
    assert.is(again.awaitedBy[0].future, g);
    assert.is(again.awaitedBy[0].awaitedBy[0].future, waiter);
    assert.match(formatCallGraph(a), /\* GatheringFuture\(id=f\d+\)/);
    yield* waiter;
    assert.ok(main);
  });
});

test("test_graph.test_stack_shield and call(): the graph goes through shield's outer future and a promoted call()", () => {
  runVirtual(function* () {
    const inner = createTask(sleep(10), { name: "inner" });
    const outer = shield(inner);
    const w = createTask(
      (function* () {
        return yield* outer;
      })(),
      { name: "w" },
    );
    yield;
    const g = captureCallGraph(inner)!;
    assert.is(g.awaitedBy[0].future, outer);
    assert.is(g.awaitedBy[0].awaitedBy[0].future, w);
    const c = call(sleep(5));
    const w2 = createTask(
      (function* () {
        return yield* gather([c]);
      })(),
      { name: "w2" },
    );
    yield;
    const promoted = [
      ...((c as unknown as { _runner: Task })._runner ? [(c as unknown as { _runner: Task })._runner] : []),
    ];
    const gp = captureCallGraph(promoted[0])!;
    assert.is(gp.awaitedBy[0].future, c);
    yield* w;
    yield* w2;
  });
});

test("printCallGraph writes the graph; outside a task there is none", () => {
  runVirtual(function* () {
    let out = "";
    printCallGraph(null, {
      write: (t) => {
        out = t;
      },
    });
    assert.match(out, /^\* Task\(name="Task-\d+"/);
    throwsA(() => captureCallGraph(5 as never), TypeError);
    throwsA(() => captureCallGraph(null, { limit: -2 }), RangeError);
  });
});

// ---------------------------------------------------------------- debug mode

test("debug mode reports an API coroutine that was never awaited when the loop closes", () => {
  const seen: string[] = [];
  const loop = new EventLoop({ host: new VirtualHost(), debug: true });
  loop.setExceptionHandler((_l, ctx) => {
    seen.push(ctx.message);
  });
  loop.runUntilCompleteSync(
    loop.createTask(
      (function* () {
        sleep(10); // the yield* forgotten
        yield* sleep(1);
      })(),
    ),
  );
  loop.close();
  assert.equal(seen, ["coroutine sleep() was never awaited"]);
});

test("without debug mode nothing is reported, and a task cancelled before its first step counts as awaited", () => {
  const seen: string[] = [];
  const loop = new EventLoop({ host: new VirtualHost(), debug: false });
  loop.setExceptionHandler((_l, ctx) => {
    seen.push(ctx.message);
  });
  loop.runUntilCompleteSync(
    loop.createTask(
      (function* () {
        sleep(10);
        yield;
      })(),
    ),
  );
  loop.close();
  const debug = new EventLoop({ host: new VirtualHost(), debug: true });
  debug.setExceptionHandler((_l, ctx) => {
    seen.push(ctx.message);
  });
  debug.runUntilCompleteSync(
    debug.createTask(
      (function* () {
        const t = createTask(sleep(10));
        t.cancel();
        yield* thrownBy(() => t);
      })(),
    ),
  );
  debug.close();
  assert.equal(seen, []);
});

test("runSync(main, { debug: true }) turns debug mode on", () => {
  const on = runSync(
    function* () {
      yield;
      return getRunningLoop().getDebug();
    },
    { host: new VirtualHost(), debug: true },
  );
  assert.ok(on);
});

test("WASIO_DEBUG=1 turns debug mode on for loops without a debug option", async () => {
  const src = `
    import { EventLoop, VirtualHost } from "WASIO";
    console.log(JSON.stringify([new EventLoop({ host: new VirtualHost() }).getDebug(), new EventLoop({ host: new VirtualHost(), debug: false }).getDebug()]));
  `;
  const r = await runScript(src, 10_000, { WASIO_DEBUG: "1" });
  assert.is(r.stdout.trim(), "[true,false]");
});

test("test_tasks.test_coroutine_reuse: a finished coroutine awaited again is an error", () => {
  runVirtual(function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    const get = q.get();
    assert.is(yield* get, 1);
    const e = yield* thrownBy(() => get);
    assert.instance(e, Error);
    assert.match((e as Error).message, "cannot reuse already awaited coroutine");
  });
  runSync(
    function* () {
      const s = sleep(1);
      yield* s;
      assert.match(((yield* thrownBy(() => s)) as Error).message, /cannot reuse/);
      function* child(): Coroutine<number> {
        yield;
        return 1;
      }
      const c = child();
      yield* createTask(c);
      throwsA(() => createTask(c), Error, "cannot reuse already awaited coroutine");
    },
    { host: new VirtualHost(), debug: true },
  );
});

test.run();
