// Eager tasks and task factories (asyncio 3.12+): loop.setTaskFactory, eagerTaskFactory,
// createEagerTaskFactory, Task's eagerStart; CPython's test_eager_task_factory cases where they
// apply. Simulated time (VirtualHost).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { getRunningLoop } from "../../src/loop/running.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { createTask } from "../../src/tasks/create-task.js";
import { currentTask } from "../../src/tasks/current.js";
import { sleep } from "../../src/tasks/sleep.js";
import { gather } from "../../src/tasks/gather.js";
import { Task } from "../../src/tasks/task.js";
import { createEagerTaskFactory, eagerTaskFactory } from "../../src/tasks/eager-task-factory.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { runVirtual, throwsA } from "../helpers.js";

test("with eagerTaskFactory, a task runs its first step inside createTask, as itself (test_eager_task_factory_set)", () => {
  runVirtual(function* () {
    const loop = getRunningLoop();
    const parent = currentTask();
    loop.setTaskFactory(eagerTaskFactory);
    assert.is(loop.getTaskFactory(), eagerTaskFactory);
    const log: string[] = [];
    const t = createTask(
      (function* (): Coroutine<string> {
        log.push(`child starts as ${currentTask() === parent ? "parent" : "itself"}`);
        yield* sleep(5);
        log.push("child resumes");
        return "done";
      })(),
    );
    log.push("createTask returned");
    assert.is(currentTask(), parent, "the current task is restored");
    assert.is(yield* t, "done");
    assert.equal(log, ["child starts as itself", "createTask returned", "child resumes"]);
    loop.setTaskFactory(null);
  });
});

test("an eager task that finishes without suspending is done when createTask returns, result or error (test_eager_completion)", () => {
  runVirtual(function* () {
    const loop = getRunningLoop();
    loop.setTaskFactory(eagerTaskFactory);
    const ok = createTask(
      (function* (): Coroutine<number> {
        return 42;
      })(),
    );
    assert.ok(ok.done());
    assert.is(ok.result(), 42);
    const bad = createTask(
      (function* (): Coroutine<number> {
        throw new RangeError("eager");
      })(),
    );
    assert.ok(bad.done());
    assert.instance(bad.exception(), RangeError);
    assert.equal(yield* gather([ok, sleep(1, 7)]), [42, 7]);
    loop.setTaskFactory(null);
    const lazy = createTask(
      (function* (): Coroutine<number> {
        return 1;
      })(),
    );
    assert.not.ok(lazy.done(), "without the factory a task starts on the next pass");
    yield* lazy;
  });
});

test("createEagerTaskFactory makes eager instances of a Task subclass; off a running loop tasks start as usual", () => {
  class Named extends Task<unknown> {}
  const host = new VirtualHost();
  const loop = new EventLoop({ host });
  loop.setTaskFactory(createEagerTaskFactory(Named));
  let ran = false;
  const t = loop.createTask(
    (function* () {
      ran = true;
    })(),
  );
  assert.instance(t, Named);
  assert.not.ok(ran, "the loop is not running: the first step waits for it");
  loop.runUntilCompleteSync(t);
  assert.ok(ran);
  throwsA(() => loop.setTaskFactory(42 as any), TypeError, "task factory");
  throwsA(() => createEagerTaskFactory(1 as any), TypeError, "task constructor");
  loop.close();
});

test.run();
