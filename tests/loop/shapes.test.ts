import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop, VirtualHost, Queue, createTask, runSync, allTasks } from "../../src/index.js";
import { _shapeStats } from "../../src/loop/shapes.js";

test("the first loop made keeps a twin from every registered maker, and no maker fails", () => {
  const before = _shapeStats();
  assert.is(before.kept, 0, "no twins before the first loop");
  assert.ok(before.makers >= 10, `makers registered by the modules: ${before.makers}`);
  const loop = new EventLoop({ host: new VirtualHost() });
  const after = _shapeStats();
  assert.equal(after, { makers: before.makers, kept: before.makers, errors: 0 });
  new EventLoop({ host: new VirtualHost() }).close();
  assert.equal(_shapeStats(), after, "only the first loop makes twins");
  loop.close();
});

test("the twins are invisible: the first task is still Task-1 and belongs to no user loop", () => {
  const names = runSync(function* () {
    const t = createTask((function* () {})());
    const q = new Queue<number>();
    yield* q.put(1);
    return [t.getName(), allTasks().size, q.qsize()];
  }, { host: new VirtualHost() });
  assert.equal(names, ["Task-2", 2, 1]);
});

test.run();
