// Polls the VirtualHost knows to be empty are skipped: with a network, callbacks a pass queues run
// at once when a zero-timeout poll could report nothing (the clock has not moved, nothing on the
// wire is due, no socket is ready). The orders expected here are those of one poll per
// iteration: whatever such a poll would have found still runs before what the next pass queues.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop } from "../../src/io/event-loop.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { runSync } from "../../src/run.js";
import { openConnection, startServer } from "../../src/io/streams/index.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { echoLines } from "../helpers.js";

test("with a connection open and a timer pending, callbacks queued by a pass run with no poll between them", () => {
  const host = new VirtualHost({ seed: 1 });
  const polls: number[] = [];
  runSync(
    function* () {
      const server = yield* startServer(echoLines, "10.0.0.1", 7000);
      const [, w] = yield* openConnection("10.0.0.1", 7000);
      const loop = getRunningLoop();
      loop.callLater(1000, () => {});
      const done = loop.createFuture<void>();
      const step = () => {
        polls.push(host.pollCalls);
        if (polls.length < 5) loop.callSoon(step);
        else done.setResult(undefined);
      };
      loop.callSoon(step);
      yield* done;
      w.close();
      server.close();
    },
    { host },
  );
  assert.is(polls.length, 5);
  assert.equal(new Set(polls).size, 1, `poll_oneoff calls seen by the steps: ${polls.join(", ")}`);
});

/**
 * A chain A → B → C (C stops the loop) on a host with a connection set up over 0-latency links
 * and a reader on the server's end; `inA` runs in A. Returns the order of A, B, C and the reader R.
 */
function chain(inA: (host: VirtualHost, clientFd: number, log: string[]) => void): string[] {
  const host = new VirtualHost();
  host.network.defaultLink({ latency: 0, jitter: 0 });
  const loop = new EventLoop({ host });
  const listener = host.listen("10.0.0.1", 7000);
  const client = host.connect("10.0.0.1", 7000);
  const log: string[] = [];
  loop.runUntilCompleteSync(loop.createTask(settle(loop)));
  const server = host.sockAccept(listener);
  assert.ok(server >= 0, "the connection was set up");
  loop.addReader(server, () => {
    log.push("R");
    host.sockRecv(server, new Uint8Array(64));
    loop.removeReader(server);
  });
  loop.callLater(1000, () => log.push("late"));
  // A runs from a timer, so after a poll (that poll leaves no candidate fd behind).
  loop.callLater(1, () => {
    log.push("A");
    inA(host, client, log);
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

function* settle(loop: EventLoop) {
  const f = loop.createFuture<void>();
  loop.callLater(1, () => f.setResult(undefined));
  yield* f;
}

test("bytes arriving at the same simulated instant are polled for before the next pass's callbacks", () => {
  const order = chain((host, client) => {
    assert.is(host.sockSend(client, new TextEncoder().encode("x\n")), 2);
  });
  assert.equal(order, ["A", "B", "R", "C"]);
});

test("a timer made due by advance() in a callback runs after the next pass, before what that pass queues", () => {
  const order = chain((host) => host.advance(1000));
  assert.equal(order, ["A", "B", "late", "C"]);
});

test.run();
