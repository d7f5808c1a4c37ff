// w6-echo: TCP echo on loopback, a wasio streams server against a Node `net` server.
//
// One common load client that is not wasio — a plain Node `net` program in a child process (this
// file run with --load-client) — opens 50 connections to the server under test and drives 2,000
// round trips of 64 bytes on each (100,000 in all; one message in flight per connection; TCP_NODELAY
// on both ends). The server runs in this process: wasio's `startServer` with a handler doing
// `read` → `write` → `drain`, or Node's `net.createServer` with `socket.on("data", d => socket.write(d))`,
// alternating. Figures: round trips per second (from the client's first write to its last reply)
// and the server process's CPU time per round trip (process.cpuUsage over the same window,
// measured from the command to the client until its answer, connection setup included).
//
//   node --expose-gc scripts/bench/w6-echo.mjs [--quick] [--rounds N] [--write]

import { fork } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { compare, isMain, median, runMain } from "./harness.mjs";

export const CONNECTIONS = 50;
export const TRIPS = 2000;
export const SIZE = 64;
const HOST = "127.0.0.1";

// ---------------------------------------------------------------------------------------------
// The load client (child process)

function loadClient() {
  process.on("message", async (cmd) => {
    if (cmd.type === "exit") process.exit(0);
    const { port, conns, trips, size } = cmd;
    const sockets = await Promise.all(
      Array.from(
        { length: conns },
        () =>
          new Promise((resolve, reject) => {
            const s = net.connect({ host: HOST, port, noDelay: true }, () => resolve(s));
            s.once("error", reject);
          }),
      ),
    );
    const msg = Buffer.alloc(size, 97);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise((resolve, reject) => {
            let left = trips,
              got = 0;
            s.on("data", (d) => {
              got += d.length;
              while (got >= size) {
                got -= size;
                if (--left === 0) {
                  resolve();
                  return;
                }
                s.write(msg);
              }
            });
            s.on("error", reject);
            s.write(msg);
          }),
      ),
    );
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise((resolve) => {
            s.once("close", resolve);
            s.end();
          }),
      ),
    );
    process.send({ ms, cpuUs: cpu.user + cpu.system });
  });
}

/** The client process, started once and reused by every round. */
export class LoadClient {
  constructor() {
    this.child = fork(fileURLToPath(import.meta.url), ["--load-client"], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.unref();
    this.child.channel?.unref();
  }
  /** Sends the job; `onDone(result)` is called with { ms, cpuUs } or an Error. */
  start(port, p, onDone) {
    const onMsg = (m) => {
      cleanup();
      onDone(m);
    };
    const onExit = (code) => {
      cleanup();
      onDone(new Error(`load client exited with ${code}`));
    };
    const cleanup = () => {
      this.child.off("message", onMsg);
      this.child.off("exit", onExit);
      this.child.channel?.unref();
    };
    this.child.on("message", onMsg);
    this.child.on("exit", onExit);
    this.child.channel?.ref();
    this.child.send({ type: "run", port, conns: p.conns, trips: p.trips, size: SIZE });
  }
  close() {
    if (this.child.connected) this.child.send({ type: "exit" });
  }
}

// ---------------------------------------------------------------------------------------------
// The two servers

function figures(result, cpu, p) {
  if (result instanceof Error) throw result;
  const trips = p.conns * p.trips;
  return {
    rate: trips / (result.ms / 1000),
    cpuPerTrip: (cpu.user + cpu.system) / trips,
    clientCpuPerTrip: result.cpuUs / trips,
  };
}

export async function native(client, p) {
  const server = net.createServer({ noDelay: true }, (s) => {
    s.on("data", (d) => s.write(d));
    s.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  const cpu0 = process.cpuUsage();
  const result = await new Promise((resolve) => client.start(server.address().port, p, resolve));
  const cpu = process.cpuUsage(cpu0);
  await new Promise((resolve) => server.close(resolve));
  return figures(result, cpu, p);
}

/** The wasio server's handler: read → write → drain until EOF. */
export function* echoHandler(reader, writer) {
  for (;;) {
    const data = yield* reader.read(65536);
    if (data.length === 0) break;
    writer.write(data);
    yield* writer.drain();
  }
  writer.close();
}

export function wasio(w, client, p) {
  return w.run(function* () {
    const server = yield* w.startServer(echoHandler, HOST, 0);
    const loop = w.getRunningLoop();
    p.onLoop?.(loop);
    const done = loop.createFuture();
    const cpu0 = process.cpuUsage();
    client.start(server.address().port, p, (m) => loop.callSoonThreadsafe(() => done.setResult(m)));
    const result = yield* done;
    const cpu = process.cpuUsage(cpu0);
    server.close();
    yield* server.waitClosed();
    return figures(result, cpu, p);
  });
}

// ---------------------------------------------------------------------------------------------

/** A compare()-shaped result for figures gathered alongside another comparison. */
function derived(base, name, metric, unit, better, aSamples, bSamples) {
  const side = (label, samples) => ({ label, samples, median: samples.length ? median(samples) : null, error: null });
  const a = aSamples && side("wasio", aSamples);
  const b = side("Node", bSamples);
  const ratio = a?.median != null && b.median != null ? a.median / b.median : null;
  console.log(`\n== ${name}: ${metric}, ${unit} (${better} is better)`);
  for (const s of [a, b])
    if (s?.median != null)
      console.log(
        `   ${s.label.padEnd(6)} median ${s.median.toFixed(2).padStart(12)}   [${Math.min(...s.samples).toFixed(2)} … ${Math.max(...s.samples).toFixed(2)}]`,
      );
  if (ratio !== null) console.log(`   ratio wasio/Node = ${ratio.toFixed(2)}`);
  return { ...base, name, metric, unit, better, a, b, ratio, note: "" };
}

export async function bench(w, { quick, rounds } = {}) {
  const p = { conns: CONNECTIONS, trips: quick ? TRIPS / 10 : TRIPS };
  const client = new LoadClient();
  const cpu = { wasio: [], Node: [], clientWasio: [], clientNode: [] };
  try {
    // One warm-up run each, unrecorded (JIT, the client's connections, socket buffers).
    if (w) await wasio(w, client, { conns: p.conns, trips: 200 });
    await native(client, { conns: p.conns, trips: 200 });
    const metric = `${p.conns} connections × ${p.trips.toLocaleString("en-US")} round trips of ${SIZE} B, Node net load client in a child process`;
    const rate = await compare({
      name: "w6-echo",
      metric,
      unit: "round trips/s",
      rounds,
      a: w && {
        label: "wasio",
        fn: async () => {
          const f = await wasio(w, client, p);
          cpu.wasio.push(f.cpuPerTrip);
          cpu.clientWasio.push(f.clientCpuPerTrip);
          return f.rate;
        },
      },
      b: {
        label: "Node",
        fn: async () => {
          const f = await native(client, p);
          cpu.Node.push(f.cpuPerTrip);
          cpu.clientNode.push(f.clientCpuPerTrip);
          return f.rate;
        },
      },
    });
    const cpuRow = derived(
      rate,
      "w6-echo server CPU",
      `server process CPU per round trip, same runs`,
      "µs/round trip",
      "lower",
      w ? cpu.wasio : null,
      cpu.Node,
    );
    const clientNote = `load client CPU per round trip: ${median(cpu.clientNode).toFixed(2)} µs against Node${w ? `, ${median(cpu.clientWasio).toFixed(2)} µs against wasio` : ""}`;
    console.log(`   ${clientNote}`);
    cpuRow.note = clientNote;
    return [rate, cpuRow];
  } finally {
    client.close();
  }
}

if (process.argv.includes("--load-client")) loadClient();
else if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
