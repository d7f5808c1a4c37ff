// tcp-instructions: a TCP echo over real sockets on 127.0.0.1 in CPU instructions per round trip,
// counted with callgrind: wasio's streams (the server reads → writes → drains, the client writes →
// drains → reads exactly one message) against Node's `net` with callbacks, both ends of every
// connection in the one process. Unlike streams-instructions.mjs (a VirtualHost's in-memory
// network) this counts the host's sockets too: the ready list, the transport, the kernel calls
// Node makes, the buffers made per chunk. Each figure is the difference of two runs (B round
// trips minus A on each connection), so start-up and compilation cancel out. Needs valgrind.
//
//   A=2000 B=6000 node scripts/bench/tcp-instructions.mjs [node] [path/to/wasio.js ...]
//
// `node` names Node's own `net` echo; the default is `node dist/wasio.js`.

import net from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { haveValgrind, instructions } from "./callgrind.mjs";
import { echoHandler } from "./w6-echo.mjs";

const CONNECTIONS = 5;
const SIZE = 256;

/** Node's `net`: an echo server writing back each chunk, clients sending one message per reply. */
async function nodeEcho(trips) {
  const server = net.createServer({ noDelay: true }, (s) => {
    s.on("data", (d) => s.write(d));
    s.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  const msg = Buffer.alloc(SIZE, 97);
  const client = () =>
    new Promise((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port, noDelay: true }, () => s.write(msg));
      let left = trips;
      let got = 0;
      s.on("data", (d) => {
        got += d.length;
        while (got >= SIZE) {
          got -= SIZE;
          if (--left === 0) {
            s.end();
            resolve();
            return;
          }
          s.write(msg);
        }
      });
    });
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  server.close();
}

/** wasio's streams: the same echo, each side a coroutine on a StreamReader and StreamWriter. */
function wasioEcho(w, trips) {
  return w.run(function* () {
    const server = yield* w.startServer(echoHandler, "127.0.0.1", 0);
    const port = server.address().port;
    function* client() {
      const [reader, writer] = yield* w.openConnection("127.0.0.1", port);
      const msg = new Uint8Array(SIZE).fill(97);
      for (let i = 0; i < trips; i++) {
        writer.write(msg);
        yield* writer.drain();
        yield* reader.readexactly(SIZE);
      }
      writer.close();
    }
    yield* w.gather(Array.from({ length: CONNECTIONS }, client));
    server.close();
  });
}

if (process.argv[2] === "--child") {
  const [, , , mod, trips] = process.argv;
  if (mod === "node") await nodeEcho(Number(trips));
  else await wasioEcho(await import(pathToFileURL(mod).href), Number(trips));
} else {
  if (!haveValgrind()) {
    console.log("tcp-instructions: valgrind not found (apt install valgrind); skipped");
    process.exit(0);
  }
  const me = fileURLToPath(import.meta.url);
  const few = Number(process.env.A ?? 300);
  const many = Number(process.env.B ?? 900);
  const mods = process.argv.slice(2);
  if (mods.length === 0) mods.push("node", fileURLToPath(new URL("../../dist/wasio.js", import.meta.url)));
  for (const mod of mods) {
    const [a, b] = await Promise.all([
      instructions(me, ["--child", mod, few]),
      instructions(me, ["--child", mod, many]),
    ]);
    const perTrip = (b - a) / ((many - few) * CONNECTIONS);
    console.log(`${mod}: ${Math.round(perTrip)} instructions per round trip (${CONNECTIONS} connections, ${SIZE} B)`);
  }
}
