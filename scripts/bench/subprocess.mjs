// subprocess: spawn + read one line + wait, 200 children, 8 at a time — wasio's
// createSubprocessExec against Node's child_process.spawn doing the same (the child is
// `sh -c 'echo ready'`). Figure: children per second.
//
//   node --expose-gc scripts/bench/subprocess.mjs [--quick] [--rounds N]

import { spawn } from "node:child_process";
import { compare, isMain, runMain } from "./harness.mjs";

const CHILDREN = 200;
const PARALLEL = 8;
const ARGS = ["-c", "echo ready"];

async function native(n) {
  const t0 = performance.now();
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const c = spawn("sh", ARGS, { stdio: ["ignore", "pipe", "inherit"] });
      let line = "",
        exited = false,
        got = false;
      const done = () => {
        if (exited && got) resolve();
      };
      c.stdout.setEncoding("utf8").on("data", (d) => {
        line += d;
        if (!got && line.includes("\n")) {
          got = true;
          done();
        }
      });
      c.on("error", reject);
      c.on("exit", () => {
        exited = true;
        done();
      });
    });
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next++ < n) await one();
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

function wasio(w, n) {
  return w.run(function* () {
    const t0 = performance.now();
    let next = 0;
    function* worker() {
      while (next++ < n) {
        const p = yield* w.createSubprocessExec("sh", ARGS, { stdout: w.PIPE });
        yield* p.stdout.readline();
        yield* p.wait();
      }
    }
    yield* w.gather(Array.from({ length: PARALLEL }, () => worker()));
    return n / ((performance.now() - t0) / 1000);
  });
}

export async function bench(w, { quick, rounds } = {}) {
  const n = quick ? CHILDREN / 4 : CHILDREN;
  if (w) await wasio(w, 16);
  await native(16);
  return [
    await compare({
      name: "subprocess",
      metric: `spawn + read one line + wait, ${n} children of \`sh -c 'echo ready'\`, ${PARALLEL} at a time`,
      unit: "children/s",
      rounds,
      a: w && { label: "wasio", fn: () => wasio(w, n) },
      b: { label: "Node", fn: () => native(n) },
    }),
  ];
}

if (isMain(import.meta.url)) await runMain(import.meta.url, bench);
