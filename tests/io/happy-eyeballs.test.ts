// Happy Eyeballs as asyncio's create_connection does it: addresses in interleaved order
// (_interleave_addrinfos) raced by staggeredRace, on VirtualHost's simulated DNS and network so
// that which address is tried when is exact; then once over real loopback sockets.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { run, runSync } from "../../src/run.js";
import { openConnection, startServer } from "../../src/io/streams/index.js";
import { interleaveAddrinfos } from "../../src/io/dns/interleave-addrinfos.js";
import { staggeredRace } from "../../src/tasks/staggered-race.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { createTask } from "../../src/tasks/create-task.js";
import { sleep } from "../../src/tasks/sleep.js";
import { CancelledError } from "../../src/errors.js";
import { Protocol, type Transport } from "../../src/io/transports/index.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { codeOf, echoLines, now, text, throwsA } from "../helpers.js";

const V4 = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
const V6 = ["fd00::1", "fd00::2"];
const fam = (a: string) => ({ family: a.includes(":") ? 6 : 4, a });
const order = (list: string[], n: number) => interleaveAddrinfos(list.map(fam), n).map((x) => x.a);

test("interleaveAddrinfos: the first `n` of the first family, then the families alternate (asyncio's _interleave_addrinfos)", () => {
  const mixed = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "fd00::1", "fd00::2"];
  assert.equal(order(mixed, 1), ["10.0.0.1", "fd00::1", "10.0.0.2", "fd00::2", "10.0.0.3"]);
  assert.equal(order(mixed, 2), ["10.0.0.1", "10.0.0.2", "fd00::1", "10.0.0.3", "fd00::2"]);
  assert.equal(order(mixed, 3), ["10.0.0.1", "10.0.0.2", "10.0.0.3", "fd00::1", "fd00::2"]);
  assert.equal(order(mixed, 9), ["10.0.0.1", "10.0.0.2", "10.0.0.3", "fd00::1", "fd00::2"]);
  assert.equal(order(["fd00::1", "10.0.0.1", "fd00::2", "10.0.0.2"], 1), [
    "fd00::1",
    "10.0.0.1",
    "fd00::2",
    "10.0.0.2",
  ]);
  assert.equal(order(["10.0.0.1", "10.0.0.2"], 1), ["10.0.0.1", "10.0.0.2"]);
  assert.equal(order([], 1), []);
  throwsA(() => interleaveAddrinfos([], 0), RangeError, "firstFamilyCount");
});

/** A world where `name` resolves to every address but only `reachable` answers; the rest drop SYNs. */
function world(reachable: string, refused: string[] = []): VirtualHost {
  const host = new VirtualHost();
  host.network.defaultLink({ latency: 5, jitter: 0 });
  host.network.dns("svc.test", [...V4, ...V6]);
  for (const a of [...V4, ...V6])
    if (a !== reachable && !refused.includes(a)) host.network.partition(host.network.clientAddress, a);
  return host;
}

/** Connects to svc.test with `options`; [ms it took, the address connected to]. */
function connectTime(host: VirtualHost, reachable: string, options: object): [number, string] {
  return runSync(
    function* () {
      const server = yield* startServer(echoLines, reachable, 7000);
      const t0 = now();
      const [r, w] = yield* openConnection("svc.test", 7000, options);
      const took = now() - t0;
      w.write("hi\n");
      assert.is(text(yield* r.readline()), "hi\n");
      const peer = (w.getExtraInfo("peername") as { address: string }).address;
      w.close();
      server.close();
      yield* server.waitClosed();
      return [took, peer] as [number, string];
    },
    { host },
  );
}

test("with happyEyeballsDelay and interleave 1, the first IPv6 address is tried second, one delay after the first", () => {
  // order: 10.0.0.1, fd00::1, … — fd00::1 starts at 100 ms, connects one round trip later
  assert.equal(connectTime(world("fd00::1"), "fd00::1", { happyEyeballsDelay: 100 }), [110, "fd00::1"]);
  assert.equal(connectTime(world("fd00::1"), "fd00::1", { happyEyeballsDelay: 100, interleave: 1 }), [110, "fd00::1"]);
});

test("interleave 2 tries two IPv4 addresses before the first IPv6 one; interleave 3 all three", () => {
  assert.equal(connectTime(world("fd00::1"), "fd00::1", { happyEyeballsDelay: 100, interleave: 2 }), [210, "fd00::1"]);
  assert.equal(connectTime(world("fd00::1"), "fd00::1", { happyEyeballsDelay: 100, interleave: 3 }), [310, "fd00::1"]);
  assert.equal(connectTime(world("fd00::2"), "fd00::2", { happyEyeballsDelay: 100, interleave: 2 }), [410, "fd00::2"]);
});

test("a refused attempt starts the next one at once instead of after the delay", () => {
  // 10.0.0.1 refuses after a round trip (10 ms), so fd00::1 starts at 10 ms, not 100 ms
  assert.equal(connectTime(world("fd00::1", ["10.0.0.1"]), "fd00::1", { happyEyeballsDelay: 100 }), [20, "fd00::1"]);
});

test("interleave without a delay tries the interleaved addresses one after another", () => {
  const host = world("10.0.0.2", ["10.0.0.1", "fd00::1"]);
  assert.equal(connectTime(host, "10.0.0.2", { interleave: 1 }), [30, "10.0.0.2"]);
});

test("the losing attempts are cancelled: only the winner's connection is left", () => {
  const host = world("fd00::1");
  runSync(
    function* () {
      const server = yield* startServer(echoLines, "fd00::1", 7000);
      const [, w] = yield* openConnection("svc.test", 7000, { happyEyeballsDelay: 100 });
      yield* sleep(1000);
      assert.is(host.network.stats().sockets, 2, "the client's and the server's end of the winner");
      w.close();
      server.close();
      yield* server.waitClosed();
    },
    { host },
  );
});

test("when every address fails, their errors are combined as asyncio does", () => {
  const host = new VirtualHost();
  host.network.dns("one.test", ["10.0.0.1"]);
  host.network.dns("two.test", ["10.0.0.1", "fd00::1"]);
  runSync(
    function* () {
      const [code, message] = yield* codeOf(openConnection("one.test", 7000, { happyEyeballsDelay: 50 }));
      assert.is(code, "ECONNREFUSED");
      assert.not.match(message, "Multiple");
      const [code2, message2] = yield* codeOf(openConnection("two.test", 7000, { happyEyeballsDelay: 50 }));
      assert.is(code2, "ECONNREFUSED");
      assert.match(message2, "Multiple exceptions: ");
      assert.match(message2, "10.0.0.1");
      assert.match(message2, "fd00::1");
      const [code3] = yield* codeOf(openConnection("nowhere.test", 7000, { happyEyeballsDelay: 50 }));
      assert.is(code3, "ENOTFOUND");
    },
    { host },
  );
});

test("loop.createConnection races the same way", () => {
  const host = world("fd00::1");
  runSync(
    function* () {
      const loop = getRunningLoop();
      const server = yield* startServer(echoLines, "fd00::1", 7000);
      const t0 = now();
      const [t] = yield* loop.createConnection(() => new Protocol(), "svc.test", 7000, {
        happyEyeballsDelay: 100,
        interleave: 2,
      });
      assert.is(now() - t0, 210);
      assert.is(((t as Transport).getExtraInfo("peername") as { address: string }).address, "fd00::1");
      t.close();
      server.close();
      yield* server.waitClosed();
    },
    { host },
  );
});

function* failing(ms: number, tag: string, log: string[]): Coroutine<string> {
  log.push(`start ${tag} ${now()}`);
  yield* sleep(ms);
  throw new Error(tag);
}

function* succeeding(ms: number, tag: string, log: string[]): Coroutine<string> {
  log.push(`start ${tag} ${now()}`);
  try {
    yield* sleep(ms);
  } catch (e) {
    log.push(`cancelled ${tag} ${now()}`);
    throw e;
  }
  return tag;
}

test("staggeredRace: starts the next on a failure or after the delay; the first success wins, the rest are cancelled and awaited", () => {
  const log: string[] = [];
  const result = runSync(
    function* () {
      return yield* staggeredRace(
        [
          () => failing(30, "a", log),
          () => succeeding(500, "b", log),
          () => succeeding(120, "c", log),
          () => succeeding(100, "d", log),
        ],
        100,
      );
    },
    { host: new VirtualHost() },
  );
  assert.equal(log, ["start a 0", "start b 30", "start c 130", "start d 230", "cancelled b 250", "cancelled d 250"]);
  assert.is(result[0], "c");
  assert.is(result[1], 2);
  assert.is((result[2][0] as Error).message, "a");
  assert.equal(result[2].slice(1), [null, null, null]);
});

test("staggeredRace: all failing gives no winner and every exception; null delay runs them one after another", () => {
  const log: string[] = [];
  const result = runSync(
    function* () {
      return yield* staggeredRace([() => failing(10, "a", log), () => failing(20, "b", log)], null);
    },
    { host: new VirtualHost() },
  );
  assert.equal(log, ["start a 0", "start b 10"]);
  assert.equal([result[0], result[1]], [null, null]);
  assert.equal(
    result[2].map((e) => (e as Error).message),
    ["a", "b"],
  );
  throwsA(() => staggeredRace([], -1), RangeError, "delay");
  throwsA(() => staggeredRace(42 as any, 1), TypeError, "coroFns");
});

test("staggeredRace: cancelling the race cancels the attempts, waits for them, then throws CancelledError", () => {
  const log: string[] = [];
  runSync(
    function* () {
      const race = createTask(staggeredRace([() => succeeding(500, "a", log), () => succeeding(500, "b", log)], 100));
      yield* sleep(150);
      race.cancel();
      try {
        yield* race;
        assert.unreachable();
      } catch (e) {
        assert.instance(e, CancelledError);
      }
      assert.equal(log, ["start a 0", "start b 100", "cancelled a 150", "cancelled b 150"]);
    },
    { host: new VirtualHost() },
  );
});

test("over real loopback sockets, localhost with a delay connects to whichever of ::1 and 127.0.0.1 listens", async () => {
  await run(function* () {
    const server = yield* startServer(echoLines, "127.0.0.1", 0);
    const port = server.address()!.port;
    const [r, w] = yield* openConnection("localhost", port, { happyEyeballsDelay: 50, interleave: 2 });
    w.write("real\n");
    assert.is(text(yield* r.readline()), "real\n");
    assert.is((w.getExtraInfo("peername") as { address: string }).address, "127.0.0.1");
    w.close();
    server.close();
    yield* server.waitClosed();
  });
});

test.run();
