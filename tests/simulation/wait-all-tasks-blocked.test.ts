// waitAllTasksBlocked: returns once every other task is parked, without moving simulated time.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { runSync } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { Event } from "../../src/sync/event.js";
import { createTask } from "../../src/tasks/create-task.js";
import { sleep } from "../../src/tasks/sleep.js";
import { openConnection, startServer } from "../../src/io/streams/index.js";
import { waitAllTasksBlocked } from "../../src/simulation/wait-all-tasks-blocked.js";
import { text } from "../helpers.js";

test("waits until every other task is blocked, and the clock has not moved", () => {
  const out = runSync(
    function* () {
      const loop = getRunningLoop();
      const ev = new Event();
      let spins = 0,
        waited = false,
        slept = false;
      createTask(
        (function* () {
          for (let i = 0; i < 50; i++) {
            spins++;
            yield;
          }
          ev.set();
        })(),
      );
      createTask(
        (function* () {
          yield* ev.wait();
          waited = true;
        })(),
      );
      createTask(
        (function* () {
          yield* sleep(100);
          slept = true;
        })(),
      );
      yield* waitAllTasksBlocked();
      const seen = { spins, waited, slept, at: loop.time() };
      yield* sleep(200);
      return seen;
    },
    { host: new VirtualHost() },
  );
  assert.equal(out, { spins: 50, waited: true, slept: false, at: 0 });
});

test("a task blocked on a socket whose bytes are still in flight counts as blocked", () => {
  const host = new VirtualHost();
  host.network.defaultLink({ latency: 5 });
  const out = runSync(
    function* () {
      const loop = getRunningLoop();
      let got = "";
      const server = yield* startServer(
        function* (r) {
          got = text(yield* r.readline());
        },
        "10.0.0.1",
        7,
      );
      const [, w] = yield* openConnection("10.0.0.1", 7);
      w.write("hi\n");
      yield* waitAllTasksBlocked();
      const before = [got, loop.time()];
      yield* sleep(10);
      w.close();
      server.close();
      return [before, got];
    },
    { host },
  );
  assert.equal(out, [["", 10], "hi\n"]);
});

test("waitAllTasksBlocked needs a VirtualHost and one waiter at a time", () => {
  runSync(
    function* () {
      const first = createTask(waitAllTasksBlocked());
      yield;
      try {
        yield* waitAllTasksBlocked();
        assert.unreachable();
      } catch (e) {
        assert.match((e as Error).message, "already waiting");
      }
      yield* first;
    },
    { host: new VirtualHost() },
  );
});

test.run();
