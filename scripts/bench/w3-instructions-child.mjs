// The child of w3-instructions.mjs: runs queue ping-pong (w3-ping-pong.mjs) under callgrind.
//   node --expose-gc w3-instructions-child.mjs wasio|node steady|rounds TRIPS ROUNDS
import { native, wasio } from "./w3-ping-pong.mjs";

const [side, mode, tripsArg, roundsArg] = process.argv.slice(2);
const trips = Number(tripsArg);
const rounds = mode === "steady" ? 1 : Number(roundsArg);
const w = side === "wasio" ? await import(new URL("../../dist/wasio.js", import.meta.url).href) : null;

for (let r = 0; r < rounds; r++) {
  if (mode === "rounds") globalThis.gc();
  // wasio() makes fresh generator closures every round, as the benchmark does.
  if (w === null) await native({ messages: 2 * trips });
  else await wasio(w, { messages: 2 * trips });
}
