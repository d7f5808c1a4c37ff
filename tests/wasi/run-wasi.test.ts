// runWasi inside a wasio program (the built bundle, dist/wasio.js, whose worker script sits
// beside it): the C echo server runs as a guest on the program's own loop while the same loop
// talks to it over TCP — which it could not if the guest blocked the loop's thread — and
// cancelling the future stops the guest and closes its sockets.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cProgram, freePort, ROOT } from "./wasio-run-helpers.js";

const wasio: any = await import(pathToFileURL(join(ROOT, "dist", "wasio.js")).href);
const { run, runWasi, openConnection, sleep } = wasio;

/** Connects, retrying while the guest's listener is not bound yet (bounded). */
function* connectSoon(port: number): Generator<any, [any, any], any> {
  for (let i = 0; ; i++) {
    try {
      return yield* openConnection("127.0.0.1", port);
    } catch (err) {
      if (i >= 200 || !/ECONNREFUSED/.test(String((err as Error).message))) throw err;
      yield* sleep(10);
    }
  }
}

function* echoOnce(port: number, text: string): Generator<any, string, any> {
  const [reader, writer] = yield* connectSoon(port);
  writer.write(new TextEncoder().encode(text));
  const back = new TextDecoder().decode(yield* reader.readexactly(text.length));
  writer.close();
  return back;
}

test("a wasio program hosts a WASI echo server and is its client on the same loop; the future gives the exit status", async () => {
  const port = await freePort();
  const bytes = readFileSync(cProgram("echo_server"));
  const result = await run(function* () {
    const guest = runWasi(bytes, { args: ["2"], tcpListen: [`127.0.0.1:${port}`] });
    const a = yield* echoOnce(port, "hello from the loop");
    const b = yield* echoOnce(port, "and again");
    const code = yield* guest;
    return [a, b, code];
  });
  assert.equal(result, ["hello from the loop", "and again", 0]);
});

test("cancelling runWasi's future stops the guest and closes its listener and connections", async () => {
  const port = await freePort();
  const bytes = readFileSync(cProgram("echo_server"));
  const result = await run(function* () {
    const guest = runWasi(bytes, { args: ["100"], tcpListen: [`127.0.0.1:${port}`] });
    const [reader, writer] = yield* connectSoon(port);
    writer.write(new TextEncoder().encode("ping"));
    const echoed = new TextDecoder().decode(yield* reader.readexactly(4));
    guest.cancel();
    const after = yield* reader.read(); // the guest's end of the connection is closed
    let refused = "";
    try {
      yield* openConnection("127.0.0.1", port);
    } catch (err) {
      refused = String((err as Error).message);
    }
    writer.close();
    return [echoed, after.length, guest.cancelled(), /ECONNREFUSED/.test(refused)];
  });
  assert.equal(result, ["ping", 0, true, true]);
});

test("runWasi rejects a module that is not a WASI command, naming why", async () => {
  const message = await run(function* () {
    try {
      yield* runWasi(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      return "resolved";
    } catch (err) {
      return (err as Error).message;
    }
  });
  assert.match(message, /no _start/);
});

test("runWasi checks its options eagerly", async () => {
  await run(function* () {
    assert.throws(() => runWasi(new Uint8Array(0), { args: "nope" }), /options\.args/);
    assert.throws(() => runWasi(new Uint8Array(0), { tcpListen: ["127.0.0.1"] }), /HOST:PORT/);
    assert.throws(() => runWasi(new Uint8Array(0), { env: { A: 1 } }), /options\.env/);
  });
});

test.run();
