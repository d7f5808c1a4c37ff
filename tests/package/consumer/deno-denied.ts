// Deno with no permissions at all: every feature that needs one raises inside the coroutine an
// error with `code` "EACCES" naming the flag, and the process carries on. Prints "denied ok".
import { run, startServer, openConnection, getaddrinfo, toThread, type Coroutine } from "wasio";

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
(globalThis as { console?: { log(text: string): void } }).console?.log("denied ok");
