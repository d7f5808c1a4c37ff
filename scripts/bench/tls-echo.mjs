// tls-echo: TLS echo on loopback — 20 connections × 500 round trips of 256 B (one message in
// flight per connection). wasio: a startServer TLS server and openConnection TLS clients
// (read → write → drain) on one loop; Node: node:tls server and clients doing the same with
// callbacks. Certificates are made once with openssl (EC P-256). Figure: round trips per second,
// handshakes excluded.
//
//   node --expose-gc scripts/bench/tls-echo.mjs [--quick] [--rounds N]

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { compare, isMain, runMain } from "./harness.mjs";

const CONNS = 20;
const TRIPS = 500;
const SIZE = 256;

export function certs() {
  const dir = mkdtempSync(join(tmpdir(), "wasio-bench-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "k"),
        "-out",
        join(dir, "c"),
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "k"), "utf8"), cert: readFileSync(join(dir, "c"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function native(c, p) {
  const server = tls.createServer({ key: c.key, cert: c.cert }, (s) => {
    s.setNoDelay(true);
    s.on("data", (d) => s.write(d));
    s.on("error", () => {});
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  const sockets = await Promise.all(
    Array.from(
      { length: p.conns },
      () =>
        new Promise((resolve, reject) => {
          const s = tls.connect({ host: "127.0.0.1", port, ca: c.cert }, () => resolve(s));
          s.setNoDelay(true);
          s.once("error", reject);
        }),
    ),
  );
  const msg = Buffer.alloc(SIZE, 97);
  const t0 = performance.now();
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise((resolve) => {
          let left = p.trips,
            got = 0;
          s.on("data", (d) => {
            got += d.length;
            while (got >= SIZE) {
              got -= SIZE;
              if (--left === 0) {
                resolve();
                return;
              }
              s.write(msg);
            }
          });
          s.write(msg);
        }),
    ),
  );
  const rate = (p.conns * p.trips) / ((performance.now() - t0) / 1000);
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  return rate;
}

export function wasio(w, c, p) {
  return w.run(function* () {
    p.onLoop?.(w.getRunningLoop());
    const server = yield* w.startServer(
      function* (r, wr) {
        for (;;) {
          const d = yield* r.read(65536);
          if (d.length === 0) break;
          wr.write(d);
          yield* wr.drain();
        }
        wr.close();
      },
      "127.0.0.1",
      0,
      { ssl: { key: c.key, cert: c.cert } },
    );
    const port = server.address().port;
    const conns = [];
    for (let i = 0; i < p.conns; i++) conns.push(yield* w.openConnection("127.0.0.1", port, { ssl: { ca: c.cert } }));
    const msg = new Uint8Array(SIZE).fill(97);
    const t0 = performance.now();
    yield* w.gather(
      conns.map(([r, wr]) =>
        (function* () {
          for (let i = 0; i < p.trips; i++) {
            wr.write(msg);
            yield* wr.drain();
            yield* r.readexactly(SIZE);
          }
        })(),
      ),
    );
    const rate = (p.conns * p.trips) / ((performance.now() - t0) / 1000);
    for (const [, wr] of conns) wr.close();
    server.close();
    server.abortClients();
    yield* server.waitClosed();
    return rate;
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const c = certs();
  const p = { conns: CONNS, trips: quick ? TRIPS / 5 : TRIPS };
  if (w) await wasio(w, c, { conns: CONNS, trips: 50 });
  await native(c, { conns: CONNS, trips: 50 });
  return [
    await compare({
      name: "tls-echo",
      metric: `${p.conns} TLS connections × ${p.trips} round trips of ${SIZE} B, client and server in one process, handshakes excluded`,
      unit: "round trips/s",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, c, p) },
      b: { label: "Node", fn: () => native(c, p) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
