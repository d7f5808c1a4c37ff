// wake-cost: what the Node host's deferred wake-up costs in the TLS echo's shape (tls-echo.mjs:
// 20 connections × 500 round trips of 256 B, server and clients in one process), in CPU time of
// this process per round trip, three sides taking turns:
//   - node:tls        Node's callbacks, each reply written inside its 'data' event (poll phase);
//   - node:tls, check  the same program with every socket write deferred to the check phase of
//                     the turn and the writes of a turn made in one batch (setImmediate), which
//                     is what the host does with readiness (src/hosts/node/socket-host.ts);
//   - wasio           the build under test, with its loop's wake-ups (`host.idle()` calls) and
//                     polls per round trip.
// If the second side costs about what the first does, the deferral is not where wasio's gap is.
// CPU time (process.cpuUsage, connection setup included) moves less than wall time on a shared
// machine; the figure is not a bar's.
//
//   node --expose-gc scripts/bench/wake-cost.mjs [ROUNDS] [BUILD.js…]

import tls from "node:tls";
import { pathToFileURL } from "node:url";
import { certs, native, wasio } from "./tls-echo.mjs";

const [roundsArg = "5", ...builds] = process.argv.slice(2);
const rounds = Number(roundsArg);
const p = { conns: 20, trips: 500 };
const trips = p.conns * p.trips;
const c = certs();

/** Runs `fn` with every TLSSocket write queued and made in one batch in the check phase. */
async function deferred(fn) {
  const write = tls.TLSSocket.prototype.write;
  let queue = [];
  const flush = () => {
    const q = queue;
    queue = [];
    for (let i = 0; i < q.length; i += 2) write.call(q[i], q[i + 1]);
  };
  tls.TLSSocket.prototype.write = function (data) {
    if (queue.length === 0) setImmediate(flush);
    queue.push(this, data);
    return true;
  };
  try {
    return await fn();
  } finally {
    tls.TLSSocket.prototype.write = write;
  }
}

const sides = [
  { name: "node:tls", run: () => native(c, p) },
  { name: "node:tls, writes in the check phase", run: () => deferred(() => native(c, p)) },
];
const paths =
  builds.length > 0 ? builds.map((b) => pathToFileURL(b).href) : [new URL("../../dist/wasio.js", import.meta.url).href];
for (let i = 0; i < paths.length; i++) {
  const w = await import(paths[i]);
  const side = { name: builds[i] ?? "wasio", wakes: [], polls: [] };
  side.run = () => {
    let host = null,
      idles = 0,
      polls0 = 0;
    const q = {
      ...p,
      onLoop(loop) {
        host = loop.host;
        polls0 = host.pollCalls;
        const idle = host.idle;
        host.idle = function () {
          idles++;
          return idle.call(this);
        };
      },
    };
    return wasio(w, c, q).then((rate) => {
      side.wakes.push(idles / trips);
      side.polls.push((host.pollCalls - polls0) / trips);
      return rate;
    });
  };
  sides.push(side);
}

for (const s of sides) await s.run(); // warm-up
const cpu = sides.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < sides.length; k++) {
    globalThis.gc?.();
    const u0 = process.cpuUsage();
    await sides[k].run();
    const u = process.cpuUsage(u0);
    cpu[k].push((u.user + u.system) / trips);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`wake-cost: TLS echo ${p.conns} × ${p.trips} × 256 B, CPU µs per round trip, medians of ${rounds} (ratio)`);
for (let k = 0; k < sides.length; k++) {
  const m = median(cpu[k]);
  const s = sides[k];
  const extra = s.wakes
    ? `  wake-ups ${median(s.wakes).toFixed(3)}/round trip, polls ${median(s.polls).toFixed(3)}`
    : "";
  console.log(`  ${s.name.padEnd(36)} ${m.toFixed(1).padStart(6)}  (${(m / median(cpu[0])).toFixed(2)})${extra}`);
}
