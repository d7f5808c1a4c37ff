// The browser's short sleeps: 20 sequential `sleep(1)` in headless Chromium against the same
// under Node, in alternating rounds (Node, page, Node, page, …), medians and the ratio page/Node.
// Two pages: one with Chromium's scheduler.postTask (wasio's first choice), one with it hidden
// (the MessageChannel path other browsers take). For reference, a chain of 20 nested
// `setTimeout(…, 1)` in the page shows the browser's 4 ms clamp that wasio's waits avoid. Run: npm run build && node scripts/bench/browser-sleep.mjs [rounds]

import { openPage } from "../../tests/browser/run.mjs";

const ROUNDS = Number(process.argv[2] ?? 15);
const { run, sleep } = await import("../../dist/wasio.js");

async function nodeRound() {
  return run(function* () {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) yield* sleep(1);
    return performance.now() - t0;
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const PAGE_SLEEPS = () =>
  window.__wasio.run(function* () {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) yield* window.__wasio.sleep(1);
    return performance.now() - t0;
  });
const CLAMP = () =>
  new Promise((resolve) => {
    const t0 = performance.now();
    let n = 0;
    const step = () => (++n === 20 ? resolve(performance.now() - t0) : setTimeout(step, 1));
    setTimeout(step, 1);
  });

const sessions = [await openPage("/tests/browser/index.html"), await openPage("/tests/browser/index.html?no-postTask")];
try {
  for (const { page } of sessions) {
    await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 60_000 });
    await page.evaluate(async () => {
      window.__wasio = await import("/dist/wasio.js");
    });
  }
  const node = [],
    post = [],
    spin = [],
    clamp = [];
  for (let r = 0; r < ROUNDS; r++) {
    node.push(await nodeRound());
    post.push(await sessions[0].page.evaluate(PAGE_SLEEPS));
    spin.push(await sessions[1].page.evaluate(PAGE_SLEEPS));
    clamp.push(await sessions[0].page.evaluate(CLAMP));
  }
  const f = (x) => `${x.toFixed(1)} ms`;
  const ratio = (xs) => (median(xs) / median(node)).toFixed(2);
  console.log(`20 x sleep(1), median of ${ROUNDS} alternating rounds:`);
  console.log(`  Node ${process.version}: ${f(median(node))}`);
  console.log(`  headless Chromium, wasio (scheduler.postTask): ${f(median(post))}, page/Node ${ratio(post)}`);
  console.log(`  headless Chromium, wasio (MessageChannel):     ${f(median(spin))}, page/Node ${ratio(spin)}`);
  console.log(
    `  headless Chromium, 20 nested setTimeout(1), the clamp: ${f(median(clamp))}, page/Node ${ratio(clamp)}`,
  );
} finally {
  for (const s of sessions) await s.close();
}
