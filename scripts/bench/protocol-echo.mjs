// protocol-echo: TCP echo on loopback through asyncio's lower layer, a wasio `loop.createServer`
// protocol (`dataReceived(d) { transport.write(d) }`) against a Node `net` server doing the same.
// The load client, sizes and figures are w6-echo's (50 connections × 2,000 round trips of 64 B,
// a plain Node `net` client in a child process); the two servers alternate in this process.
//
//   node --expose-gc scripts/bench/protocol-echo.mjs [--quick] [--rounds N]

import { CONNECTIONS, LoadClient, TRIPS, native } from "./w6-echo.mjs";
import { compare, isMain, runMain } from "./harness.mjs";

function wasio(w, client, p) {
  class Echo extends w.Protocol {
    connectionMade(t) {
      this.t = t;
    }
    dataReceived(d) {
      this.t.write(d);
    }
  }
  return w.run(function* () {
    const loop = w.getRunningLoop();
    const server = yield* loop.createServer(() => new Echo(), "127.0.0.1", 0);
    const done = loop.createFuture();
    client.start(server.address().port, p, (m) => loop.callSoonThreadsafe(() => done.setResult(m)));
    const result = yield* done;
    server.close();
    yield* server.waitClosed();
    if (result instanceof Error) throw result;
    return (p.conns * p.trips) / (result.ms / 1000);
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const p = { conns: CONNECTIONS, trips: quick ? TRIPS / 10 : TRIPS };
  const client = new LoadClient();
  try {
    if (w) await wasio(w, client, { conns: p.conns, trips: 200 });
    await native(client, { conns: p.conns, trips: 200 });
    return [
      await compare({
        name: "protocol-echo",
        metric: `${p.conns} connections × ${p.trips.toLocaleString("en-US")} round trips of 64 B through loop.createServer protocols, Node net load client in a child process`,
        unit: "round trips/s",
        rounds,
        a: w && { label: "wasio", fn: () => wasio(w, client, p) },
        b: { label: "Node", fn: async () => (await native(client, p)).rate },
      }),
    ];
  } finally {
    client.close();
  }
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
