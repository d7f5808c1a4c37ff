// A wrong program: `yield*` of sleep(1, 5) gives a number, so assigning it to a string is TS2322.
import { run, sleep } from "wasio";

await run(function* () {
  const s: string = yield* sleep(1, 5);
  return s;
});
