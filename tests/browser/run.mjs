// The browser test (run by .ci/run): the shipped bundle in a page of headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core, which never downloads a browser here), running
// tests/browser/checks.js (twice, see PAGES). Prints "ok …" / "FAIL …" per check and one "N passed, N failed" line.

import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

/** Opens `path` of the served repository in headless Chromium; returns { page, close }. */
export async function openPage(path) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${server.url}${path}`);
  return {
    page,
    errors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

// The page runs twice: with scheduler.postTask (Chromium's own), and without it (the MessageChannel
// path other browsers take).
const PAGES = [
  ["", "/tests/browser/index.html"],
  [" (no postTask)", "/tests/browser/index.html?no-postTask"],
];

if (import.meta.url === `file://${process.argv[1]}`) {
  let passed = 0,
    failed = 0;
  for (const [label, path] of PAGES) {
    let session;
    try {
      session = await openPage(path);
      await session.page.waitForFunction(() => window.__results !== undefined, null, { timeout: 60_000 });
      const results = await session.page.evaluate(() => window.__results);
      for (const r of results) {
        if (r.ok) {
          passed++;
          console.log(`ok   browser${label}: ${r.name}`);
        } else {
          failed++;
          console.log(`FAIL browser${label}: ${r.name}\n${r.error}`);
        }
      }
      if (results.length === 0) failed++;
    } catch (e) {
      failed++;
      console.log(
        `FAIL browser test${label}: ${e?.stack ?? e}${session?.errors.length ? `\npage errors: ${session.errors.join("\n")}` : ""}`,
      );
    } finally {
      await session?.close();
    }
  }
  // The example page runs to its end with no page error.
  let example;
  try {
    example = await openPage("/examples/browser.html");
    await example.page.waitForFunction(
      () => document.getElementById("log").textContent.includes("fib(27) on a Web Worker: 196418"),
      null,
      { timeout: 60_000 },
    );
    if (example.errors.length > 0) throw new Error(example.errors.join("\n"));
    passed++;
    console.log("ok   browser: the example page (examples/browser.html) runs to its end");
  } catch (e) {
    failed++;
    console.log(`FAIL browser: the example page: ${e?.stack ?? e}`);
  } finally {
    await example?.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}
