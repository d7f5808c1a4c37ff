// Deno, the repository as a package: imports wasio by its deno.json name (the `exports` entry,
// typed through the bundle's @ts-self-types), so `deno check` sees the shipped types.
import { run, sleep, createTask } from "@wasio/wasio";

const got: string = await run(function* () {
  return yield* createTask(sleep(5, "typed"));
});
if (got !== "typed") throw new Error(`got ${got}`);
console.log("deno package ok");
