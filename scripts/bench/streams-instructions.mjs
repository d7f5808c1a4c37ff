// streams-instructions: the streams path (a StreamReader and StreamWriter on a transport, as in W6:
// the server reads → writes → drains, the client writes → drains → reads) in CPU instructions per
// round trip, counted with callgrind: deterministic where W6's wall clock on a busy machine is not.
// The connections run on a VirtualHost's in-memory network (no latency), so the figure is wasio's
// own work per round trip (streams, transport, loop, tasks, the simulated sockets), without the
// kernel's or Node's. Each figure is the difference of two runs (more round trips minus fewer), so
// start-up and compilation cancel out. Needs valgrind.
//
//   node scripts/bench/streams-instructions.mjs [path/to/wasio.js ...]   (default: dist/wasio.js)

import { fileURLToPath, pathToFileURL } from "node:url";
import { haveValgrind, instructions } from "./callgrind.mjs";
import { echoHandler } from "./w6-echo.mjs";

const CONNECTIONS = 10;
const SIZE = 64;

/** The echo itself: `trips` round trips on each of CONNECTIONS connections. */
function echo(w, trips) {
  const host = new w.VirtualHost({ seed: 1, traceKeep: 0 });
  const msg = new Uint8Array(SIZE).fill(97);
  w.runSync(
    function* () {
      const server = yield* w.startServer(echoHandler, "10.0.0.1", 7000);
      function* client() {
        const [reader, writer] = yield* w.openConnection("10.0.0.1", 7000);
        for (let i = 0; i < trips; i++) {
          writer.write(msg);
          yield* writer.drain();
          let got = 0;
          while (got < SIZE) got += (yield* reader.read(65536)).length;
        }
        writer.close();
        yield* writer.waitClosed();
      }
      yield* w.gather(Array.from({ length: CONNECTIONS }, client));
      server.close();
      yield* server.waitClosed();
    },
    { host },
  );
}

if (process.argv[2] === "--child") {
  const w = await import(pathToFileURL(process.argv[3]).href);
  echo(w, Number(process.argv[4]));
} else {
  if (!haveValgrind()) {
    console.log("streams-instructions: valgrind not found (apt install valgrind); skipped");
    process.exit(0);
  }
  const me = fileURLToPath(import.meta.url);
  const count = (mod, trips) => instructions(me, ["--child", mod, trips]);
  const mods = process.argv.slice(2);
  if (mods.length === 0) mods.push(fileURLToPath(new URL("../../dist/wasio.js", import.meta.url)));
  const few = 200,
    many = 600;
  for (const mod of mods) {
    const [a, b] = await Promise.all([count(mod, few), count(mod, many)]);
    const perTrip = (b - a) / ((many - few) * CONNECTIONS);
    console.log(`${mod}: ${Math.round(perTrip)} instructions per round trip (${CONNECTIONS} connections, ${SIZE} B)`);
  }
}
