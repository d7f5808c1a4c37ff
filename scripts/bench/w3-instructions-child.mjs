// The child of w3-instructions.mjs: runs W3 ping-pong under callgrind.
//   node --expose-gc w3-instructions-child.mjs wasio|node steady|rounds TRIPS ROUNDS
import { native } from "./w3-ping-pong.mjs";

const [side, mode, tripsArg, roundsArg] = process.argv.slice(2);
const trips = Number(tripsArg);
const rounds = mode === "steady" ? 1 : Number(roundsArg);
const w = side === "wasio" ? await import(new URL("../../dist/wasio.js", import.meta.url).href) : null;

for (let r = 0; r < rounds; r++) {
  if (mode === "rounds") globalThis.gc();
  if (w === null) {
    await native({ messages: 2 * trips });
    continue;
  }
  // Fresh generator closures every round, as the benchmark's wasio() makes them.
  await w.run(function* () {
    const q1 = new w.Queue();
    const q2 = new w.Queue();
    let sum = 0;
    const a = w.createTask((function* () {
      for (let i = 0; i < trips; i++) {
        yield* q1.put(i);
        sum += yield* q2.get();
      }
    })());
    const b = w.createTask((function* () {
      for (let i = 0; i < trips; i++) yield* q2.put(yield* q1.get());
    })());
    yield* w.gather([a, b]);
    if (sum !== (trips * (trips - 1)) / 2) throw new Error("lost messages");
  });
}
