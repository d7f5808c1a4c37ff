// The thorny issue of disks: a regular file is always "ready", so a selector cannot tell the loop
// when a read would block — and a read from a slow disk blocks the whole loop. asyncio's answer,
// and wasio's, is to hand disk work to a thread pool: `toThread(module, export, ...args)` runs
// the module's export on a worker thread and the awaiting task resumes when it is done, while
// the loop keeps serving everything else.
//
//   node scripts/build.mjs --quiet --no-types && node examples/read-file.mjs [file ...]
//
// Functions cannot cross threads in JavaScript, so a job is named by module and export: here
// Node's own `readFileSync` from "node:fs". Arguments and results cross by structured clone (a
// Buffer arrives as a Uint8Array). Your own module works the same way:
// `toThread(new URL("./work.mjs", import.meta.url), "parse", path)`.

import { fileURLToPath } from "node:url";
import { createTask, getRunningLoop, run, sleep, toThread } from "../dist/wasio.js";

const files = process.argv.length > 2 ? process.argv.slice(2) : [fileURLToPath(import.meta.url)];

function* readOne(path) {
  const t0 = getRunningLoop().time();
  const bytes = yield* toThread("node:fs", "readFileSync", path); // runs on a worker thread
  const lines = new TextDecoder().decode(bytes).split("\n").length;
  return { path, bytes: bytes.length, lines, ms: getRunningLoop().time() - t0 };
}

function* main() {
  // A heartbeat that only runs while the loop is free: the reads never stall it.
  let beats = 0;
  const heartbeat = createTask(
    (function* () {
      for (;;) {
        yield* sleep(1);
        beats++;
      }
    })(),
  );

  const reads = files.map((path) => createTask(readOne(path)));
  for (const task of reads) {
    try {
      const r = yield* task;
      console.log(`${r.path}: ${r.bytes} bytes, ${r.lines} lines, read in ${r.ms.toFixed(1)} ms on a worker thread`);
    } catch (e) {
      console.log(`${files[reads.indexOf(task)]}: ${e.name}: ${e.message}${e.code ? ` (${e.code})` : ""}`);
    }
  }
  heartbeat.cancel();
  console.log(`the loop's heartbeat ticked ${beats} time(s) meanwhile`);
}

await run(main);
