// Deno with no permissions at all: every feature that needs one raises inside the coroutine an
// error with `code` "EACCES" naming the flag, and the process carries on. Prints "denied ok".
import { run, runSync, startServer, openConnection, getaddrinfo, toThread, VirtualHost, type Coroutine } from "wasio";

const attempts: [string, () => Coroutine<unknown>, RegExp][] = [
  ["startServer", () => startServer(function* () {}, "127.0.0.1", 0), /--allow-net=127\.0\.0\.1/],
  ["openConnection", () => openConnection("127.0.0.1", 9), /--allow-net=127\.0\.0\.1/],
  ["getaddrinfo", () => getaddrinfo("localhost", 80), /--allow-net=localhost/],
  ["toThread", () => toThread("node:os", "cpus"), /--allow-sys/],
  ["toThread of a file module", () => toThread(new URL("./job.mjs", import.meta.url), "twice", 1), /--allow-read/],
];
const seen: string[] = [];
await run(function* () {
  for (const [what, attempt, flag] of attempts) {
    try {
      yield* attempt();
      seen.push(`${what}: no error`);
    } catch (e) {
      const { code, message } = e as { code?: string; message: string };
      seen.push(code === "EACCES" && flag.test(message) ? `${what}: EACCES` : `${what}: ${code} ${message}`);
    }
  }
});
const want = attempts.map(([what]) => `${what}: EACCES`).join("; ");
if (seen.join("; ") !== want) throw new Error(`got ${seen.join("; ")}`);
// A simulated network needs no permission: a server, a client and a lookup on a VirtualHost.
const sim = new VirtualHost();
sim.network.dns("db.sim", ["10.0.0.1"]);
const echoed = runSync(
  function* () {
    const server = yield* startServer(
      function* (r, w) {
        w.write(yield* r.readline());
        w.close();
      },
      "10.0.0.1",
      7000,
    );
    const [r, w] = yield* openConnection("db.sim", 7000);
    w.write("sim\n");
    const line = new TextDecoder().decode(yield* r.readline());
    w.close();
    server.close();
    const found = yield* getaddrinfo("db.sim", 7000, { type: "stream" });
    return `${line.trim()} ${found[0].address}`;
  },
  { host: sim },
);
if (echoed !== "sim 10.0.0.1") throw new Error(`simulated network under no permissions: got ${echoed}`);
(globalThis as { console?: { log(text: string): void } }).console?.log("denied ok");
