// An echo server and a few clients on 127.0.0.1, all in one wasio loop: asyncio's streams
// (open_connection / start_server) written as generator coroutines.
//
//   node scripts/build.mjs --quiet --no-types && node examples/echo.mjs [clients] [lines]
//
// The server's handler runs as a Task per connection: `readline()` parks it until a line (or
// EOF) arrives, `write()` + `drain()` send the reply with backpressure. The sockets are Node's,
// seen by the loop as fds: the host turns their events into readiness, the wasm core polls it
// with WASI poll_oneoff, and the loop wakes the task that waits.

import { createTask, openConnection, run, startServer } from "../dist/wasio.js";

const CLIENTS = Number(process.argv[2] ?? 3);
const LINES = Number(process.argv[3] ?? 3);
const text = (bytes) => new TextDecoder().decode(bytes);

function* handleClient(reader, writer) {
  const peer = writer.getExtraInfo("peername");
  console.log(`server: ${peer.address}:${peer.port} connected`);
  for (;;) {
    const line = yield* reader.readline(); // empty at EOF
    if (line.length === 0) break;
    writer.write(`echo: ${text(line)}`);
    yield* writer.drain();
  }
  console.log(`server: ${peer.address}:${peer.port} said goodbye`);
  writer.close();
  yield* writer.waitClosed();
}

function* client(id, port) {
  const [reader, writer] = yield* openConnection("127.0.0.1", port);
  for (let i = 1; i <= LINES; i++) {
    writer.write(`client ${id}, line ${i}\n`);
    yield* writer.drain();
    const reply = text(yield* reader.readline());
    console.log(`client ${id} got ${JSON.stringify(reply)}`);
  }
  writer.close();
  yield* writer.waitClosed();
}

function* main() {
  const server = yield* startServer(handleClient, "127.0.0.1", 0); // port 0: any free port
  const { address, port } = server.address();
  console.log(`echo server listening on ${address}:${port}`);

  const clients = [];
  for (let id = 1; id <= CLIENTS; id++) clients.push(createTask(client(id, port)));
  for (const c of clients) yield* c;

  try {
    yield* openConnection("127.0.0.1", 1); // nobody listens on port 1
  } catch (err) {
    console.log(`connecting to port 1 failed as expected: ${err.code}`);
  }

  server.close(); // stop listening; waitClosed() also waits for open connections
  yield* server.waitClosed();
  console.log("server closed");
}

await run(main);
