// Fused passes: runPass runs the next pass at once only when the next iteration's poll would be
// skipped. It spells that test out apart from iterate's (for speed), so each condition of the
// poll skip gets a case here: were the two to disagree, what the poll would find (a new timer, a
// ready fd, a wake-up) would run after callbacks queued later, or a stopped loop would run on.
// The expected orders are those of separate iterations (as asyncio's _run_once gives them).

import { test } from "uvu";
import * as assert from "uvu/assert";
import type { EventLoop } from "../../src/io/event-loop.js";
import type { VirtualHost } from "../../src/hosts/virtual-host.js";
import { newLoop } from "../helpers.js";

/**
 * Runs A, which calls `inA` and queues B; B queues C, which stops the loop. Returns the order of
 * A, B, C and whatever `inA` arranged to record.
 */
function chain(inA: (loop: EventLoop, host: VirtualHost, log: string[]) => void): string[] {
  const { host, loop } = newLoop();
  const log: string[] = [];
  loop.callSoon(() => {
    log.push("A");
    inA(loop, host, log);
    loop.callSoon(() => {
      log.push("B");
      loop.callSoon(() => {
        log.push("C");
        loop.stop();
      });
    });
  });
  loop.runForeverSync();
  loop.close();
  return log;
}

test("a timer added by a callback runs after the next pass, before what that pass queues", () => {
  assert.equal(
    chain((loop, _host, log) => loop.callLater(0, () => log.push("T"))),
    ["A", "B", "T", "C"],
  );
});

test("an fd made ready by a callback has its reader run after the next pass, before what it queues", () => {
  const order = chain((loop, host, log) => {
    const [r, w] = host.pipe();
    loop.addReader(r, () => {
      log.push("R");
      host.read(r, new Uint8Array(16));
      loop.removeReader(r);
    });
    host.write(w, "x");
  });
  assert.equal(order, ["A", "B", "R", "C"]);
});

test("a callback posted thread-safely by a callback runs after the next pass, before what it queues", () => {
  assert.equal(
    chain((loop, _host, log) => loop.callSoonThreadsafe(() => log.push("W"))),
    ["A", "B", "W", "C"],
  );
});

test("stop() from a callback ends the loop after its pass: what it queued waits", () => {
  const { loop } = newLoop();
  const log: string[] = [];
  loop.callSoon(() => {
    log.push("A");
    loop.stop();
    loop.callSoon(() => log.push("B"));
  });
  loop.runForeverSync();
  assert.equal(log, ["A"]);
  loop.close();
});

test.run();
