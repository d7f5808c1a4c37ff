// fd-scaling: what one busy connection costs when many idle fds are registered with the loop.
//
// N idle fds (N = 10, 1,000, 10,000) are real listening sockets on 127.0.0.1, each registered
// for reading (wasio: `startServer`, whose accept callback is an `addReader`; Node: `net.Server`s,
// which libuv watches with epoll). One connection is busy: a client task and an echo handler on
// loopback in the same process exchange 64-byte messages, one in flight. Figure: µs per round
// trip, wasio vs Node at each N. A selector whose cost grows with the ready fds stays flat as N
// grows; one that looks at every registered fd on every poll grows linearly. The wasio rows' note
// adds the loop iterations per round trip and µs per iteration (poll_oneoff calls, from the host's
// counter). Idle fds are listeners rather than socket pairs: 10,000 pairs would need 20,000 fds.
// Each run first makes the same number of round trips unmeasured: every run is a new loop on a
// freshly collected heap (the harness forces a GC between runs), and the first few thousand round
// trips of a fresh loop run 3-4× slower while V8 re-optimizes.
//
//   node --expose-gc scripts/bench/fd-scaling.mjs [--quick] [--rounds N] [--write]

import net from "node:net";
import { compare, isMain, runMain } from "./harness.mjs";

export const SIZES = [10, 1_000, 10_000];
export const TRIPS = 2_000;
const HOST = "127.0.0.1";
const SIZE = 64;

// ---------------------------------------------------------------------------------------------
// Node: N idle net.Servers, one net echo pair

async function listenIdle(n) {
  const servers = [];
  for (let i = 0; i < n; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 500); j++) {
      const s = net.createServer(() => {});
      servers.push(s);
      batch.push(
        new Promise((resolve, reject) => {
          s.once("error", reject);
          s.listen(0, HOST, resolve);
        }),
      );
    }
    await Promise.all(batch);
  }
  return servers;
}

export async function native({ idle, trips }) {
  const servers = await listenIdle(idle);
  const echo = net.createServer({ noDelay: true }, (s) => s.on("data", (d) => s.write(d)));
  await new Promise((resolve) => echo.listen(0, HOST, resolve));
  const client = await new Promise((resolve) => {
    const c = net.connect({ host: HOST, port: echo.address().port, noDelay: true }, () => resolve(c));
  });
  const msg = Buffer.alloc(SIZE, 1);
  let left = 0,
    got = 0,
    done = null;
  client.on("data", (d) => {
    got += d.length;
    while (got >= SIZE) {
      got -= SIZE;
      if (--left === 0) {
        done();
        return;
      }
      client.write(msg);
    }
  });
  const pingPong = (n) =>
    new Promise((resolve) => {
      left = n;
      done = resolve;
      client.write(msg);
    });
  await pingPong(trips); // warm-up, not measured
  const t0 = performance.now();
  await pingPong(trips);
  const us = ((performance.now() - t0) * 1000) / trips;
  client.destroy();
  await new Promise((resolve) => echo.close(resolve));
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return us;
}

// ---------------------------------------------------------------------------------------------
// wasio: N idle startServer()s, one streams echo pair

export function wasio(w, { idle, trips }, perIteration) {
  return w.run(function* () {
    const host = w.getRunningLoop().host;
    const servers = [];
    for (let i = 0; i < idle; i += 500) {
      const batch = [];
      for (let j = i; j < Math.min(idle, i + 500); j++) batch.push(w.createTask(w.startServer(() => {}, HOST, 0)));
      for (const t of batch) servers.push(yield* t);
    }
    const echo = yield* w.startServer(
      function* (r, wr) {
        for (;;) {
          const data = yield* r.read(65536);
          if (data.length === 0) break;
          wr.write(data);
          yield* wr.drain();
        }
        wr.close();
      },
      HOST,
      0,
    );
    const [reader, writer] = yield* w.openConnection(HOST, echo.address().port);
    const msg = new Uint8Array(SIZE).fill(1);
    for (let i = 0; i < trips; i++) {
      // warm-up, not measured
      writer.write(msg);
      yield* reader.readexactly(SIZE);
    }
    const polls0 = host.pollCalls;
    const t0 = performance.now();
    for (let i = 0; i < trips; i++) {
      writer.write(msg);
      yield* reader.readexactly(SIZE);
    }
    const ms = performance.now() - t0;
    const polls = host.pollCalls - polls0;
    perIteration.push({ itersPerTrip: polls / trips, usPerIter: (ms * 1000) / polls });
    writer.close();
    yield* writer.waitClosed();
    echo.close();
    yield* echo.waitClosed();
    for (const s of servers) s.close();
    return (ms * 1000) / trips;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const trips = quick ? TRIPS / 10 : TRIPS;
  const results = [];
  for (const idle of SIZES) {
    const p = { idle, trips };
    const perIteration = [];
    const r = await compare({
      name: `fd-scaling ${idle.toLocaleString("en-US")} idle`,
      group: "fd-scaling",
      metric: `one busy loopback connection (${trips.toLocaleString("en-US")} round trips of ${SIZE} B) beside ${idle.toLocaleString("en-US")} idle registered listeners`,
      unit: "µs/round trip",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, p, perIteration) },
      b: { label: "Node", fn: () => native(p) },
    });
    if (perIteration.length) {
      const mid = (xs) => xs.slice().sort((x, y) => x - y)[xs.length >> 1];
      const mine = `wasio: ${mid(perIteration.map((x) => x.itersPerTrip)).toFixed(1)} loop iterations per round trip, ${mid(perIteration.map((x) => x.usPerIter)).toFixed(1)} µs per iteration`;
      console.log(`   ${mine}`);
      r.note = r.note ? `${mine}; ${r.note}` : mine;
    }
    results.push(r);
  }
  return results;
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
