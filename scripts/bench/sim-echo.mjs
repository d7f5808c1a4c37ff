// sim-echo: how fast the simulated network runs. N connections (10, 100, 1,000) to an echo server
// on a VirtualHost's in-memory network, each sending a 64-byte line every 10 simulated ms and
// reading its echo (link latency 1 ms, jitter 0.2 ms, a seed, so arrival times and ready-fd order
// are perturbed as under explore). Figure: simulated seconds per real second (wall clock of the
// whole run, connection setup included), and round trips per real second beside it. There is no
// Node side: nothing else simulates a network for the same program.
//
//   node --expose-gc scripts/bench/sim-echo.mjs [--quick] [--rounds N] [--write]

import { compare, isMain, runMain } from "./harness.mjs";

export const SIZES = [10, 100, 1_000];
/** Simulated seconds per run, per size (about the same work in each). */
const SIM_SECONDS = { 10: 20, 100: 2, 1000: 1 };
const SIZE = 64;

/** One run: returns [simulated s per real s, round trips per real s]. */
export function simEcho(w, conns, simSeconds) {
  const host = new w.VirtualHost({ seed: 1, traceKeep: 0 });
  const line = new Uint8Array(SIZE).fill(97);
  line[SIZE - 1] = 10;
  const endMs = simSeconds * 1000;
  let trips = 0;
  const t0 = performance.now();
  w.runSync(
    function* () {
      const loop = w.getRunningLoop();
      const server = yield* w.startServer(
        function* (r, wr) {
          for (;;) {
            const got = yield* r.readline();
            if (got.length === 0) break;
            wr.write(got);
          }
          wr.close();
        },
        "10.0.0.1",
        7000,
      );
      function* client(i) {
        yield* w.sleep((i * 10) / conns); // spread the clients over one period
        const [r, wr] = yield* w.openConnection("10.0.0.1", 7000);
        while (loop.time() < endMs) {
          wr.write(line);
          yield* r.readline();
          trips++;
          yield* w.sleep(10);
        }
        wr.close();
      }
      yield* w.gather(Array.from({ length: conns }, (_, i) => client(i)));
      server.close();
    },
    { host },
  );
  const realS = (performance.now() - t0) / 1000;
  return [host.now() / 1000 / realS, trips / realS];
}

export async function bench(w, { quick, rounds }) {
  const results = [];
  for (const conns of SIZES) {
    const simS = SIM_SECONDS[conns] / (quick ? 10 : 1);
    const tripsPerS = [];
    const r = await compare({
      name: `sim-echo ${conns} connections`,
      group: "sim-echo",
      metric: `${conns} connections, a request every 10 simulated ms, ${simS} simulated s per run`,
      unit: "sim s/s",
      better: "higher",
      rounds,
      a: w && {
        label: "wasio",
        fn: () => {
          const [rate, tps] = simEcho(w, conns, simS);
          tripsPerS.push(tps);
          return rate;
        },
      },
      b: null,
    });
    const sorted = [...tripsPerS].sort((x, y) => x - y);
    const trips = `${Math.round(sorted[sorted.length >> 1]).toLocaleString("en-US")} round trips per real second (median)`;
    r.note = r.note ? `${trips}; ${r.note}` : trips;
    console.log(`   ${trips}`);
    results.push(r);
  }
  return results;
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
