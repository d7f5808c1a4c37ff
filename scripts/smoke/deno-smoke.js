// Deno smoke test (run by .ci/run): the built bundle runs a few timers and tasks under Deno.
import { run, sleep, getRunningLoop, createTask } from "../../dist/wasio.js";

const order = [];
const result = await run(function* () {
  const loop = getRunningLoop();
  loop.callLater(30, () => order.push("c"));
  loop.callLater(10, () => order.push("a"));
  loop.callLater(20, () => order.push("b"));
  const t = createTask(sleep(40, "slept"));
  return yield* t;
});
if (result !== "slept" || order.join("") !== "abc") {
  console.error("deno smoke failed", result, order);
  Deno.exit(1);
}
console.log("deno smoke ok:", result, order.join(""));
