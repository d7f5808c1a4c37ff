import { test } from "uvu";
import * as assert from "uvu/assert";
import { run } from "../../src/run.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { getRunningLoop } from "../../src/loop/running.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { runSync } from "../../src/run.js";
import { CancelledError } from "../../src/errors.js";
import { AI_NUMERICHOST, AI_PASSIVE, getaddrinfo, type AddrInfo } from "../../src/io/dns/getaddrinfo.js";
import { bounded } from "../helpers.js";

/** Runs the lookup on a fresh loop and returns its answer or the error it threw. */
function lookup(...args: Parameters<typeof getaddrinfo>): Promise<AddrInfo[] | Error> {
  return bounded(
    run(function* () {
      try {
        return yield* getaddrinfo(...args);
      } catch (e) {
        return e as Error;
      }
    }),
  );
}

test("localhost resolves to 127.0.0.1 and/or ::1 with the port, for stream and datagram sockets", async () => {
  const list = await lookup("localhost", 8080);
  assert.ok(Array.isArray(list), String(list));
  const entries = list as AddrInfo[];
  assert.ok(entries.length > 0);
  for (const e of entries) {
    assert.ok(e.address === "127.0.0.1" || e.address === "::1", e.address);
    assert.is(e.family, e.address === "::1" ? 6 : 4);
    assert.is(e.port, 8080);
    assert.is(e.canonname, "");
    assert.ok((e.type === "stream" && e.proto === "tcp") || (e.type === "dgram" && e.proto === "udp"));
  }
  const addresses = new Set(entries.map((e) => e.address));
  assert.is(entries.length, addresses.size * 2, "one stream and one datagram entry per address");
});

test("the loop method gives a Future, and type, proto and family narrow the answer", async () => {
  const out = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      const fut = loop.getaddrinfo("localhost", "443", { type: "stream" });
      const streams = yield* fut;
      const udp4 = yield* loop.getaddrinfo("localhost", 53, { proto: "udp", family: "IPv4" });
      const literal = yield* loop.getaddrinfo("127.0.0.1", null, { flags: AI_NUMERICHOST });
      return { done: fut.done(), streams, udp4, literal };
    }),
  );
  assert.ok(out.done);
  assert.ok(out.streams.length > 0);
  assert.ok(out.streams.every((e) => e.type === "stream" && e.proto === "tcp" && e.port === 443));
  assert.equal(out.udp4, [{ family: 4, type: "dgram", proto: "udp", canonname: "", address: "127.0.0.1", port: 53 }]);
  assert.equal(
    out.literal.map((e) => [e.address, e.port, e.type]),
    [
      ["127.0.0.1", 0, "stream"],
      ["127.0.0.1", 0, "dgram"],
    ],
  );
});

test("a null host gives loopback addresses, or the wildcard with AI_PASSIVE", async () => {
  const loopback = (await lookup(null, 80, { type: "stream" })) as AddrInfo[];
  assert.equal(
    loopback.map((e) => e.address),
    ["::1", "127.0.0.1"],
  );
  const wildcard = (await lookup(null, 80, { type: "stream", family: 4, flags: AI_PASSIVE })) as AddrInfo[];
  assert.equal(
    wildcard.map((e) => e.address),
    ["0.0.0.0"],
  );
});

test("nonexistent.invalid gives a clear error with code ENOTFOUND", async () => {
  const error = await lookup("nonexistent.invalid", 80);
  assert.instance(error, Error);
  const e = error as Error & { code?: string; hostname?: string; syscall?: string };
  assert.is(e.code, "ENOTFOUND");
  assert.is(e.hostname, "nonexistent.invalid");
  assert.is(e.syscall, "getaddrinfo");
  assert.match(e.message, /ENOTFOUND nonexistent\.invalid/);
});

test("AI_NUMERICHOST refuses a name that is not an IP literal", async () => {
  const error = await lookup("localhost", 80, { flags: AI_NUMERICHOST });
  assert.instance(error, Error);
  assert.is((error as Error & { code?: string }).code, "ENOTFOUND");
});

test("a cancelled lookup drops its answer without a report", async () => {
  const reports: unknown[] = [];
  const out = await bounded(
    run(function* () {
      const loop = getRunningLoop();
      loop.setExceptionHandler((_l, ctx) => {
        reports.push(ctx);
      });
      const fut = loop.getaddrinfo("localhost", 80);
      fut.cancel();
      const again = yield* loop.getaddrinfo("localhost", 80); // the cancelled one's answer is dropped whenever it comes
      let cancelled = false;
      try {
        yield* fut;
      } catch (e) {
        cancelled = e instanceof CancelledError;
      }
      return { cancelled, again: again.length > 0 };
    }),
  );
  assert.equal(out, { cancelled: true, again: true });
  assert.equal(reports, []);
});

test("arguments are checked at the call", () => {
  assert.throws(() => getaddrinfo(42 as any), TypeError);
  assert.throws(() => getaddrinfo("localhost", 70000), RangeError);
  assert.throws(() => getaddrinfo("localhost", -1), RangeError);
  assert.throws(() => getaddrinfo("localhost", "http"), TypeError);
  assert.throws(() => getaddrinfo("localhost", 80, { family: 5 as any }), RangeError);
  assert.throws(() => getaddrinfo("localhost", 80, { type: "raw" as any }), RangeError);
  assert.throws(() => getaddrinfo("localhost", 80, { type: "stream", proto: "udp" }), RangeError);
  assert.throws(() => getaddrinfo("localhost", 80, { flags: 0x10000 }), RangeError);
  assert.throws(() => getaddrinfo("localhost", 80, { flags: "x" as any }), TypeError);
  const loop = new EventLoop();
  try {
    assert.throws(() => loop.getaddrinfo("localhost", 80, null as any), TypeError);
  } finally {
    loop.close();
  }
});

test("an answer known at once (a null host) reaches a blocking loop through its wake-up fd", () => {
  // runSync never gives the host runtime a turn, so a real lookup could not finish here; the
  // null-host answer is posted at once, and the VirtualHost's poll sees the wake-up fd readable.
  const list = runSync(() => getaddrinfo(null, 1, { type: "stream", family: 4 }), { host: new VirtualHost() });
  assert.equal(
    list.map((e) => e.address),
    ["127.0.0.1"],
  );
});

test.run();
