// A connection-churn soak with a memory bound: rounds of clients connect to a wasio echo server on
// 127.0.0.1, exchange a line and go away — closing cleanly, half-closing first, aborting (RST) or
// vanishing mid-line — while the server's handler meets every kind of end. After a warm-up, the
// heap (after a full GC, where the runtime offers one) and every table that grows with
// connections must come back to where they were. Bounded: ROUNDS × WIDTH connections.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { openConnection, startServer, type StreamReader, type StreamWriter } from "../../src/io/streams/index.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { run } from "../../src/run.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { allTasks } from "../../src/tasks/current.js";
import { gather } from "../../src/tasks/gather.js";
import { sleep } from "../../src/tasks/sleep.js";
import { bounded, socketHost } from "../helpers.js";

const ROUNDS = 40;
const WIDTH = 50; // connections at once
const WARMUP = 5;
const HEAP_GROWTH_LIMIT = 8 * 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

function* client(port: number, i: number): Coroutine<string> {
  let r: StreamReader, w: StreamWriter;
  try {
    [r, w] = yield* openConnection("127.0.0.1", port);
  } catch (e) {
    return `connect ${(e as { code?: string }).code}`;
  }
  try {
    switch (i % 4) {
      case 0: {
        // a full exchange, clean close
        w.write(`hello ${i}\n`);
        const line = yield* r.readline();
        w.close();
        yield* w.waitClosed();
        return new TextDecoder().decode(line) === `hello ${i}\n` ? "ok" : "bad echo";
      }
      case 1: {
        // half-close, then read to the end
        w.write(`half ${i}\n`);
        w.writeEof();
        const rest = yield* r.read();
        w.close();
        yield* w.waitClosed();
        return rest.length > 0 ? "ok" : "no reply";
      }
      case 2: // a reset in the middle of a line
        w.write("partial line without end");
        w.transport.abort();
        return "ok";
      default: // gone without a word
        w.close();
        yield* w.waitClosed();
        return "ok";
    }
  } catch (e) {
    w.transport.abort();
    return `error ${(e as { code?: string }).code ?? (e as Error).message}`;
  }
}

test(`${ROUNDS * WIDTH} connections of churn with faults leave no growth behind`, async () => {
  const result = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      const reports: string[] = [];
      loop.setExceptionHandler((_l, ctx) => {
        reports.push(ctx.message);
      });
      let served = 0;
      const server = yield* startServer(
        function* (r, w) {
          try {
            for (;;) {
              const line = yield* r.readline();
              if (line.length === 0) break;
              w.write(line);
              yield* w.drain();
            }
          } catch {
            /* a reset or a cut line: the connection is gone */
          }
          served++;
          w.close();
        },
        "127.0.0.1",
        0,
      );
      const port = server.address()!.port;
      let base = 0,
        baseFds = 0;
      const outcomes = new Map<string, number>();
      for (let round = 0; round < ROUNDS; round++) {
        const results = yield* gather(Array.from({ length: WIDTH }, (_, k) => client(port, round * WIDTH + k)));
        for (const o of results as string[]) outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
        // Let the server see every end before measuring.
        for (let i = 0; i < 2000 && served < (round + 1) * WIDTH; i++) yield* sleep(5);
        if (round === WARMUP - 1) {
          base = heap();
          baseFds = socketHost().fds.slotCount();
        }
      }
      for (let i = 0; i < 2000 && socketHost().socketStats().sockets > 0; i++) yield* sleep(5); // Node flushing its last closes
      const after = heap();
      const stats = socketHost().socketStats();
      const fds = socketHost().fds.slotCount();
      server.close();
      yield* server.waitClosed();
      return {
        base,
        after,
        baseFds,
        fds,
        stats,
        served,
        tasks: allTasks().size,
        outcomes: Object.fromEntries(outcomes),
        reports,
      };
    }),
    120_000,
  );
  assert.is(result.served, ROUNDS * WIDTH, JSON.stringify(result.outcomes));
  assert.is(result.outcomes.ok, ROUNDS * WIDTH, JSON.stringify(result.outcomes));
  assert.is(result.stats.sockets, 0);
  assert.is(result.tasks, 1); // only main
  assert.ok(result.fds <= result.baseFds + WIDTH, `fd table grew from ${result.baseFds} to ${result.fds}`);
  assert.equal(result.reports, []);
  if (gc !== undefined) {
    const growth = result.after - result.base;
    assert.ok(
      growth < HEAP_GROWTH_LIMIT,
      `heap grew by ${(growth / 1048576).toFixed(1)} MB over ${ROUNDS - WARMUP} rounds`,
    );
  }
});

test.run();
