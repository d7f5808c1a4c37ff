// A client with a timeout and retries, tested against a partition and connection resets.
//
//   npm run build && node examples/simulation/retry-client.mjs
//
// `request` gives each attempt 200 ms (connect, send, read the reply), then backs off and tries a
// new connection, up to 20 times. The scenario sends a request every 100 ms for 2 s while the
// simulated network cuts the client off from 300 to 700 ms and resets the server's connections at
// 1,000 and 1,250 ms; every request must still get its answer. explore() runs it under 50 seeds
// with random refusals and resets on top.

import { CancelledError, explore, openConnection, sleep, startServer, waitFor } from "../../dist/wasio.js";

const SERVER = "10.0.0.1";
const CLIENT = "10.0.0.100";
const text = (bytes) => new TextDecoder().decode(bytes);

/** One request with a per-attempt timeout and retries; returns the reply and the attempts made. */
export function* request(line, { timeoutMs = 200, attempts = 20, backoffMs = 50 } = {}) {
  let lastError = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let writer = null;
    try {
      const reply = yield* waitFor(
        (function* () {
          const [r, w] = yield* openConnection(SERVER, 7000);
          writer = w;
          w.write(line + "\n");
          const got = yield* r.readline();
          if (got.length === 0) throw new Error("connection closed before the reply");
          return text(got).trimEnd();
        })(),
        timeoutMs,
      );
      return { reply, attempt };
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      lastError = e;
    } finally {
      writer?.close();
    }
    yield* sleep(backoffMs);
  }
  throw new Error(`no reply after ${attempts} attempts: ${lastError}`);
}

/** The scenario: a server, 20 requests, a partition and two resets on a schedule. */
export function* retryScenario(world) {
  world.link(CLIENT, SERVER, { latency: 10, jitter: 5 });
  const server = yield* startServer(
    function* (reader, writer) {
      try {
        const line = text(yield* reader.readline()).trimEnd();
        yield* sleep(20); // the server's work
        writer.write(`done:${line}\n`);
        yield* writer.drain();
      } catch {
        // the connection was reset under us
      }
      writer.close();
    },
    SERVER,
    7000,
  );
  world.at(300, () => world.partition(CLIENT, SERVER));
  world.at(700, () => world.heal(CLIENT, SERVER));
  world.at(1000, () => world.reset(SERVER));
  world.at(1250, () => world.reset(SERVER));
  let retried = 0;
  for (let i = 0; i < 20; i++) {
    const { reply, attempt } = yield* request(`req${i}`);
    if (reply !== `done:req${i}`) throw new Error(`request ${i} got ${reply}`);
    retried += attempt - 1;
    yield* sleep(100);
  }
  server.close();
  server.abortClients();
  return retried;
}

if (typeof Deno !== "undefined" ? import.meta.main : process.argv[1]?.endsWith("retry-client.mjs")) {
  const result = explore(retryScenario, { seeds: 50, faults: { refuse: 0.05, reset: 0.01 } });
  console.log(result.ok ? `all ${result.runs} seeds: every request answered` : `seed ${result.failure.seed} failed`);
}
