// The browser checks, run inside the page by tests/browser/run.mjs: each entry is a sentence and
// an async function that throws on failure. Uses the shipped bundle (dist/wasio.js).
import {
  run,
  runSync,
  sleep,
  createTask,
  gather,
  TaskGroup,
  asyncWith,
  Queue,
  VirtualHost,
  timeout,
  TimeoutError,
  ExceptionGroup,
  getRunningLoop,
  toThread,
  openConnection,
  startServer,
  getaddrinfo,
} from "../../dist/wasio.js";

function assert(ok, message) {
  if (!ok) throw new Error(message);
}

export const checks = [
  [
    "tasks and timers run in order on the page's real clock",
    async () => {
      const order = [];
      const result = await run(function* () {
        const loop = getRunningLoop();
        const t0 = loop.time();
        loop.callLater(15, () => order.push("c"));
        loop.callLater(5, () => order.push("a"));
        loop.callLater(10, () => order.push("b"));
        loop.callSoon(() => order.push("soon"));
        const t = createTask(sleep(20, "slept"));
        const slept = yield* t;
        return [slept, loop.time() - t0];
      });
      assert(order.join(",") === "soon,a,b,c", `order ${order}`);
      assert(result[0] === "slept" && result[1] >= 20, `result ${result}`);
    },
  ],
  [
    "gather returns results in order",
    async () => {
      const r = await run(function* () {
        return yield* gather([
          sleep(6, "x"),
          sleep(2, "y"),
          (function* () {
            yield* sleep(1);
            return 3;
          })(),
        ]);
      });
      assert(JSON.stringify(r) === '["x","y",3]', JSON.stringify(r));
    },
  ],
  [
    "a TaskGroup cancels the rest on the first failure and raises an ExceptionGroup",
    async () => {
      let cancelled = false;
      const e = await run(function* () {
        try {
          yield* asyncWith(new TaskGroup(), function* (tg) {
            tg.createTask(
              (function* () {
                try {
                  yield* sleep(1000);
                } finally {
                  cancelled = true;
                }
              })(),
            );
            tg.createTask(
              (function* () {
                yield* sleep(2);
                throw new RangeError("boom");
              })(),
            );
          });
        } catch (err) {
          return err;
        }
        return null;
      });
      assert(e instanceof ExceptionGroup && e.exceptions[0] instanceof RangeError, String(e));
      assert(cancelled, "sibling not cancelled");
    },
  ],
  [
    "a Queue hands items from a producer to a consumer with backpressure",
    async () => {
      const got = await run(function* () {
        const q = new Queue(2);
        const out = [];
        const consumer = createTask(
          (function* () {
            for (let i = 0; i < 5; i++) {
              out.push(yield* q.get());
              q.taskDone();
            }
          })(),
        );
        for (let i = 0; i < 5; i++) yield* q.put(i);
        yield* q.join();
        yield* consumer;
        return out;
      });
      assert(got.join() === "0,1,2,3,4", got.join());
    },
  ],
  [
    "a timeout cancels the block and raises TimeoutError",
    async () => {
      const r = await run(function* () {
        try {
          yield* asyncWith(timeout(5), function* () {
            yield* sleep(10_000);
          });
          return "no timeout";
        } catch (err) {
          return err instanceof TimeoutError ? "timeout" : String(err);
        }
      });
      assert(r === "timeout", r);
    },
  ],
  [
    "VirtualHost runs ten simulated minutes at once",
    async () => {
      const t = runSync(
        function* () {
          yield* sleep(600_000);
          return getRunningLoop().time();
        },
        { host: new VirtualHost() },
      );
      assert(t === 600_000, `time ${t}`);
    },
  ],
  [
    "a simulated network runs in the page: a server, a client and a lookup on a VirtualHost",
    async () => {
      const host = new VirtualHost({ seed: 1 });
      host.network.dns("db.sim", ["10.0.0.1"]);
      const got = runSync(
        function* () {
          const server = yield* startServer(
            function* (r, w) {
              w.write(yield* r.readline());
              w.close();
            },
            "10.0.0.1",
            7000,
          );
          const [r, w] = yield* openConnection("db.sim", 7000);
          w.write("page\n");
          const line = new TextDecoder().decode(yield* r.readline());
          w.close();
          server.close();
          const found = yield* getaddrinfo("db.sim", 7000, { type: "stream" });
          return `${line.trim()} ${found[0].address}`;
        },
        { host },
      );
      assert(got === "page 10.0.0.1", got);
    },
  ],
  [
    "toThread runs a job module on a Web Worker",
    async () => {
      const r = await run(function* () {
        return yield* toThread(new URL("./job.js", import.meta.url), "describeThread", 21);
      });
      assert(r.twice === 42 && r.worker === true, JSON.stringify(r));
    },
  ],
  [
    "sockets and DNS raise errors saying the browser has none",
    async () => {
      const messages = await run(function* () {
        const out = [];
        for (const attempt of [
          () => openConnection("127.0.0.1", 9),
          () => startServer(function* () {}, "127.0.0.1", 0),
          () => getaddrinfo("localhost", 80),
        ]) {
          try {
            yield* attempt();
            out.push("no error");
          } catch (err) {
            out.push(`${err.code} ${err.message}`);
          }
        }
        return out;
      });
      for (const m of messages) assert(/^ENOSYS .*browser/.test(m), m);
    },
  ],
];

/** Runs every check; resolves to [{ name, ok, error }]. */
export async function runChecks() {
  const results = [];
  for (const [name, fn] of checks) {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (err) {
      results.push({ name, ok: false, error: String(err?.stack ?? err) });
    }
  }
  return results;
}
