// wake-cost: what the Node host's deferred wake-up costs, in CPU time per round trip, three sides
// taking turns on one of two echo shapes:
//   tls  tls-echo.mjs's shape: 20 TLS connections × 500 round trips of 256 B, server and clients
//        in this process (CPU of the whole process, connection setup included);
//   w6   w6-echo.mjs's: 50 TCP connections × 2,000 round trips of 64 B to a server in this
//        process from a Node load client in a child process (the server process's CPU).
// The sides:
//   - Node            its own callbacks, each reply written inside its 'data' event (poll phase);
//   - Node, check     the same program with every socket write deferred to the check phase of
//                     the turn, the writes of a turn made in one batch (setImmediate): what the
//                     host does with readiness (src/hosts/node/socket-host.ts);
//   - wasio           the build(s) under test, with the loop's wake-ups (`host.idle()` calls)
//                     and polls per round trip.
// If the second side costs about what the first does, the deferral is not where wasio's gap is.
// CPU time moves less than wall time on a shared machine; the figure is not a bar's.
//
//   node --expose-gc scripts/bench/wake-cost.mjs tls|w6 [ROUNDS] [BUILD.js…]

import net from "node:net";
import tls from "node:tls";
import { pathToFileURL } from "node:url";
import * as tlsEcho from "./tls-echo.mjs";
import * as w6 from "./w6-echo.mjs";

const [shape = "tls", roundsArg = "5", ...builds] = process.argv.slice(2);
if (shape !== "tls" && shape !== "w6") throw new Error(`wake-cost: shape tls or w6, got ${shape}`);
const rounds = Number(roundsArg);

/** The shape's runs: each resolves to the CPU µs per round trip. */
function shapeOf(name) {
  if (name === "tls") {
    const p = { conns: 20, trips: 500 };
    const c = tlsEcho.certs();
    const timed = async (run) => {
      const u0 = process.cpuUsage();
      await run();
      const u = process.cpuUsage(u0);
      return (u.user + u.system) / (p.conns * p.trips);
    };
    return {
      p,
      proto: tls.TLSSocket.prototype,
      native: () => timed(() => tlsEcho.native(c, p)),
      wasio: (w, q) => timed(() => tlsEcho.wasio(w, c, q)),
      close() {},
    };
  }
  const p = { conns: w6.CONNECTIONS, trips: w6.TRIPS };
  const client = new w6.LoadClient();
  return {
    p,
    proto: net.Socket.prototype,
    native: async () => (await w6.native(client, p)).cpuPerTrip,
    wasio: async (w, q) => (await w6.wasio(w, client, q)).cpuPerTrip,
    close: () => client.close(),
  };
}

/** Runs `fn` with every socket write of `proto` queued and made in one batch in the check phase. */
async function deferred(proto, fn) {
  const write = proto.write;
  let queue = [];
  const flush = () => {
    const q = queue;
    queue = [];
    for (let i = 0; i < q.length; i += 2) write.call(q[i], q[i + 1]);
  };
  proto.write = function (data) {
    if (queue.length === 0) setImmediate(flush);
    queue.push(this, data);
    return true;
  };
  try {
    return await fn();
  } finally {
    proto.write = write;
  }
}

const s = shapeOf(shape);
const trips = s.p.conns * s.p.trips;
const sides = [
  { name: "Node", run: s.native },
  { name: "Node, writes in the check phase", run: () => deferred(s.proto, s.native) },
];
const paths =
  builds.length > 0 ? builds.map((b) => pathToFileURL(b).href) : [new URL("../../dist/wasio.js", import.meta.url).href];
for (let i = 0; i < paths.length; i++) {
  const w = await import(paths[i]);
  const side = { name: builds[i] ?? "wasio", wakes: [], polls: [] };
  side.run = async () => {
    let host = null,
      idles = 0,
      polls0 = 0;
    const onLoop = (loop) => {
      host = loop.host;
      polls0 = host.pollCalls;
      const idle = host.idle;
      host.idle = function () {
        idles++;
        return idle.call(this);
      };
    };
    const cpu = await s.wasio(w, { ...s.p, onLoop });
    side.wakes.push(idles / trips);
    side.polls.push((host.pollCalls - polls0) / trips);
    return cpu;
  };
  sides.push(side);
}

for (const side of sides) await side.run(); // warm-up
const cpu = sides.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < sides.length; k++) {
    globalThis.gc?.();
    cpu[k].push(await sides[k].run());
  }
}
s.close();
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(
  `wake-cost ${shape}: ${s.p.conns} × ${s.p.trips} round trips, CPU µs per round trip, medians of ${rounds} (ratio)`,
);
for (let k = 0; k < sides.length; k++) {
  const m = median(cpu[k]);
  const side = sides[k];
  const extra = side.wakes
    ? `  wake-ups ${median(side.wakes).toFixed(3)}/round trip, polls ${median(side.polls).toFixed(3)}`
    : "";
  console.log(`  ${side.name.padEnd(32)} ${m.toFixed(2).padStart(6)}  (${(m / median(cpu[0])).toFixed(2)})${extra}`);
}
