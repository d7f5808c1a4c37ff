import { test } from "uvu";
import * as assert from "uvu/assert";
import { EventLoop, VirtualHost, Queue, createTask, runSync, allTasks } from "../../src/index.js";
import { _keptShapes, _shapeStats } from "../../src/loop/shapes.js";
import { _keptLatest } from "../../src/keep-latest.js";
import { openConnection, startServer, StreamReader } from "../../src/io/streams/index.js";
import { Transport } from "../../src/io/transports/transport.js";
import { TcpSocket } from "../../src/hosts/node/tcp-socket.js";
import { run } from "../../src/run.js";

/** The hot classes whose twins the shape loop must keep (the classes a loop run allocates). */
const HOT = [
  "EventLoop",
  "Handle",
  "TimerHandle",
  "Future",
  "Task",
  "CallFuture",
  "GatheringFuture",
  "ChildLink",
  "TaskGroup",
  "Timeout",
  "Queue",
  "LifoQueue",
  "PriorityQueue",
  "Lock",
  "Event",
  "Condition",
  "Semaphore",
  "BoundedSemaphore",
  "Barrier",
];

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

test("the twins include one object of every hot class, and the loop twin is the public EventLoop", () => {
  new EventLoop({ host: new VirtualHost() }).close(); // the first loop of this process may be made by now
  const kept = _keptShapes();
  assert.ok(kept[0] instanceof EventLoop, "the shape loop is of the class users make");
  const names = new Set(kept.flat().map((x) => (x as object)?.constructor?.name));
  assert.equal(
    HOT.filter((name) => !names.has(name)),
    [],
    "hot classes without a twin",
  );
});

test("the twins are invisible: the first task is still Task-1 and belongs to no user loop", () => {
  const names = runSync(
    function* () {
      const t = createTask((function* () {})());
      const q = new Queue<number>();
      yield* q.put(1);
      return [t.getName(), allTasks().size, q.qsize()];
    },
    { host: new VirtualHost() },
  );
  assert.equal(names, ["Task-2", 2, 1]);
});

test("the latest stream pair and transport outlive their closed loop, until a newer one replaces them", () => {
  const connect = () =>
    runSync(
      function* () {
        const server = yield* startServer(() => {}, "10.0.0.1", 7000);
        const [reader, writer] = yield* openConnection("10.0.0.1", 7000);
        writer.close();
        server.close();
        return [reader, writer.transport] as const;
      },
      { host: new VirtualHost() },
    );
  const [first, firstTransport] = connect();
  const kept = _keptLatest("streams") as [StreamReader, unknown];
  assert.ok(kept[0] instanceof StreamReader, "a pair of the closed loop is kept");
  assert.is(kept[0].getLimit(), first.getLimit());
  const keptTransport = _keptLatest("transport");
  assert.ok(keptTransport instanceof Transport);
  const [second, secondTransport] = connect();
  assert.is.not(second, first);
  assert.is.not(secondTransport, firstTransport);
  assert.is.not((_keptLatest("streams") as [StreamReader, unknown])[0], kept[0], "replaced by the newer loop's pair");
  assert.is.not(_keptLatest("transport"), keptTransport);
});

test("the latest socket of the default host outlives its closed loop", async () => {
  const reader = await run(function* () {
    const server = yield* startServer((_r, w) => w.close(), "127.0.0.1", 0);
    const [r, w] = yield* openConnection("127.0.0.1", server.address()!.port);
    yield* r.read(); // EOF: the server's side is made and closed
    w.close();
    server.close();
    yield* server.waitClosed();
    return r;
  });
  assert.instance(_keptLatest("socket"), TcpSocket);
  assert.ok((_keptLatest("socket") as TcpSocket).closed, "kept after its fd was closed");
  assert.ok(reader.atEof());
});

test.run();
