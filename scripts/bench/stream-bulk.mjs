// stream-bulk: one-way bulk transfer over TCP on 127.0.0.1, both ends in one process: 256 MB
// written in 256 KiB chunks (each write followed by a drain, so the sender is held to the
// reader's pace) and read in up to 1 MiB reads until EOF. wasio: startServer / openConnection
// streams. Node: a `net` server writing with backpressure (`write` → 'drain') and a client
// counting its 'data' chunks. Figure: MB per second, from the connection's first byte wanted to
// EOF read.
//
//   node --expose-gc scripts/bench/stream-bulk.mjs [--quick] [--rounds N] [--write]

import net from "node:net";
import { compare, isMain, runMain } from "./harness.mjs";

const TOTAL = 256 * 1024 * 1024;
const CHUNK = 256 * 1024;
const HOST = "127.0.0.1";
const MB = 1024 * 1024;

async function native(total) {
  const chunk = Buffer.alloc(CHUNK, 7);
  const server = net.createServer((s) => {
    let sent = 0;
    const more = () => {
      while (sent < total) {
        sent += CHUNK;
        if (!s.write(chunk)) return s.once("drain", more);
      }
      s.end();
    };
    more();
    s.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  const t0 = performance.now();
  const got = await new Promise((resolve, reject) => {
    let n = 0;
    const c = net.connect(server.address().port, HOST);
    c.on("data", (d) => {
      n += d.length;
    });
    c.on("end", () => resolve(n));
    c.on("error", reject);
  });
  const ms = performance.now() - t0;
  await new Promise((resolve) => server.close(resolve));
  if (got !== total) throw new Error(`node side read ${got} of ${total} bytes`);
  return total / MB / (ms / 1000);
}

function wasio(w, total) {
  return w.run(function* () {
    const chunk = new Uint8Array(CHUNK).fill(7);
    const server = yield* w.startServer(
      function* (_r, writer) {
        for (let at = 0; at < total; at += CHUNK) {
          writer.write(chunk);
          yield* writer.drain();
        }
        writer.close();
      },
      HOST,
      0,
    );
    const t0 = performance.now();
    const [reader, writer] = yield* w.openConnection(HOST, server.address().port);
    let got = 0;
    for (;;) {
      const d = yield* reader.read(MB);
      if (d.length === 0) break;
      got += d.length;
    }
    const ms = performance.now() - t0;
    writer.close();
    server.close();
    yield* server.waitClosed();
    if (got !== total) throw new Error(`wasio side read ${got} of ${total} bytes`);
    return total / MB / (ms / 1000);
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const total = quick ? TOTAL / 8 : TOTAL;
  if (w) await wasio(w, TOTAL / 16);
  await native(TOTAL / 16);
  return [
    await compare({
      name: "stream-bulk",
      metric: `${total / MB} MB one way in ${CHUNK / 1024} KiB writes with drain, read until EOF, both ends in one process`,
      unit: "MB/s",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, total) },
      b: { label: "Node", fn: () => native(total) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
