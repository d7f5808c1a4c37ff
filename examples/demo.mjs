// npm start: a tour of wasio in one program — tasks and timers, gather, a timeout that becomes
// TimeoutError, a TaskGroup whose first failure cancels its siblings, a producer/consumer Queue,
// a file read on a worker thread, and a TCP echo server with clients on 127.0.0.1.
//
//   npm start            (builds dist/wasio.js first)
//   node examples/demo.mjs

import {
  run,
  sleep,
  createTask,
  gather,
  asyncWith,
  timeout,
  TimeoutError,
  TaskGroup,
  ExceptionGroup,
  Queue,
  openConnection,
  startServer,
  toThread,
} from "../dist/wasio.js";
import { fileURLToPath } from "node:url";

const t0 = performance.now();
const say = (...words) => console.log(`[${String(Math.round(performance.now() - t0)).padStart(4)} ms]`, ...words);
const text = (bytes) => new TextDecoder().decode(bytes);

function* worker(name, ms) {
  yield* sleep(ms);
  say(`${name} finished after ${ms} ms`);
  return name.toUpperCase();
}

function* tasksAndTimers() {
  say("1. tasks run concurrently; gather collects their results in order");
  const results = yield* gather([worker("slow", 60), worker("fast", 20), worker("medium", 40)]);
  say("   gather ->", results);
}

function* timeouts() {
  say("2. a timeout cancels the body and surfaces as TimeoutError");
  try {
    yield* asyncWith(timeout(30), function* () {
      yield* sleep(1_000);
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    say("   caught", e.name, "after ~30 ms");
  }
}

function* structuredConcurrency() {
  say("3. a TaskGroup: the first failure cancels the siblings, errors come as an ExceptionGroup");
  function* failing() {
    yield* sleep(25);
    throw new Error("sensor offline");
  }
  function* patient(name) {
    try {
      yield* sleep(500);
    } finally {
      say(`   ${name} was cancelled and cleaned up`);
    }
  }
  try {
    yield* asyncWith(new TaskGroup(), function* (tg) {
      tg.createTask(patient("logger"), { name: "logger" });
      tg.createTask(patient("uploader"), { name: "uploader" });
      tg.createTask(failing(), { name: "sensor" });
    });
  } catch (e) {
    if (!(e instanceof ExceptionGroup)) throw e;
    say(
      "   ExceptionGroup:",
      e.errors.map((x) => x.message),
    );
  }
}

function* producerConsumer() {
  say("4. a bounded Queue between a producer and two consumers");
  const q = new Queue(2);
  const consumed = [];
  function* consumer(name) {
    for (;;) {
      const item = yield* q.get();
      consumed.push(`${name}:${item}`);
      yield* sleep(5); // work on the item
      q.taskDone();
    }
  }
  const consumers = [createTask(consumer("a")), createTask(consumer("b"))];
  for (let i = 1; i <= 6; i++) yield* q.put(i);
  yield* q.join();
  for (const c of consumers) c.cancel();
  say("   consumed", consumed.join(" "));
}

function* fileOnAThread() {
  say("5. disk work goes to a worker thread (toThread)");
  const path = fileURLToPath(new URL("../package.json", import.meta.url));
  const data = yield* toThread("node:fs", "readFileSync", path);
  say(`   read package.json off the loop: ${JSON.parse(text(data)).name}, ${data.length} bytes`);
}

function* echo() {
  say("6. a TCP echo server and three clients on 127.0.0.1");
  function* handle(reader, writer) {
    for (;;) {
      const line = yield* reader.readline();
      if (line.length === 0) break;
      writer.write(`echo: ${text(line)}`);
      yield* writer.drain();
    }
    writer.close();
    yield* writer.waitClosed();
  }
  const server = yield* startServer(handle, "127.0.0.1", 0);
  const { port } = server.address();
  say(`   listening on 127.0.0.1:${port}`);
  function* client(n) {
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    writer.write(`hello from client ${n}\n`);
    const reply = text(yield* reader.readline()).trimEnd();
    writer.close();
    yield* writer.waitClosed();
    return reply;
  }
  const replies = yield* gather([client(1), client(2), client(3)]);
  for (const r of replies) say("   ", r);
  server.close();
  yield* server.waitClosed();
}

await run(function* () {
  yield* tasksAndTimers();
  yield* timeouts();
  yield* structuredConcurrency();
  yield* producerConsumer();
  yield* fileOnAThread();
  yield* echo();
  say("done");
});
