// A counter service whose handler forgot its lock, and the exploration that finds it.
//
//   npm run build && node examples/simulation/forgotten-lock.mjs
//
// Three clients ask the server to increment a counter. The handler reads the counter, waits for a
// (simulated) storage write, then stores the value plus one: a read-modify-write across an await.
// Under a plain VirtualHost the requests happen not to overlap and the program passes every time.
// explore() runs it under many seeds: each moves arrival times within the link's jitter and
// reorders ready sockets, until two increments overlap and one is lost. It prints the seed and a
// command that replays it; with the Lock put back, every seed passes.

import {
  Lock,
  VirtualHost,
  asyncWith,
  explore,
  gather,
  openConnection,
  runSync,
  sleep,
  startServer,
} from "../../dist/wasio.js";

const SERVER = "10.0.0.1";
const CLIENTS = 3;

/** The program, with or without the lock around the read-modify-write. */
export function counterProgram({ withLock }) {
  return function* counter(world) {
    let value = 0;
    const lock = new Lock();
    function* increment() {
      const v = value;
      yield* sleep(0.4); // the storage write
      value = v + 1;
    }
    const server = yield* startServer(
      function* (reader, writer) {
        yield* reader.readline();
        if (withLock) yield* asyncWith(lock, () => increment());
        else yield* increment();
        writer.write("ok\n");
        yield* writer.drain();
        writer.close();
      },
      SERVER,
      7000,
    );
    function* client(i) {
      yield* sleep(i * 0.5);
      const [reader, writer] = yield* openConnection(SERVER, 7000);
      writer.write("incr\n");
      yield* reader.readline();
      writer.close();
    }
    yield* gather(Array.from({ length: CLIENTS }, (_, i) => client(i)));
    server.close();
    world.mark("counter", value);
    if (value !== CLIENTS) throw new Error(`lost update: the counter is ${value} after ${CLIENTS} increments`);
    return value;
  };
}

export const buggyCounter = counterProgram({ withLock: false });
export const fixedCounter = counterProgram({ withLock: true });

function isMain() {
  if (typeof Deno !== "undefined") return import.meta.main;
  return typeof process !== "undefined" && (process.argv[1] ?? "").endsWith("forgotten-lock.mjs");
}

if (isMain()) {
  const host = new VirtualHost();
  const plain = runSync(() => buggyCounter(host.network), { host });
  console.log(`without exploration the buggy counter reaches ${plain}: the bug hides`);
  const t0 = performance.now();
  const found = explore(buggyCounter, { seeds: 1000 });
  console.log(
    `explore: ${found.ok ? "no failure" : `found seed ${found.failure.seed} in ${found.runs} runs`}, ${(performance.now() - t0).toFixed(1)} ms`,
  );
  const fixed = explore(fixedCounter, { seeds: 1000 });
  console.log(`with the lock: ${fixed.ok ? `all ${fixed.runs} seeds pass` : `seed ${fixed.failure.seed} fails`}`);
}
