// UDP through loop.createDatagramEndpoint on 127.0.0.1 and ::1: datagrams with their senders,
// connected and unconnected endpoints, errors that reach errorReceived (ICMP port-unreachable,
// an oversized datagram, no address) while the endpoint stays open, and no fd left behind.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { run } from "../../src/run.js";
import { getRunningLoop } from "../../src/loop/running.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { Future } from "../../src/tasks/future.js";
import { DatagramProtocol, type DatagramTransport } from "../../src/io/transports/index.js";
import { activeHandles, handlesLeft, noFdsLeft, recordErrors, text } from "../helpers.js";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/** Records datagrams and errors; `next()` waits for the next event. */
class Recorder extends DatagramProtocol {
  events: (["data", string, [string, number]] | ["error", string])[] = [];
  transport: DatagramTransport | null = null;
  lost: unknown = undefined;
  private waiter: Future<void> | null = null;
  override connectionMade(t: DatagramTransport): void {
    this.transport = t;
  }
  override datagramReceived(d: Uint8Array, addr: [string, number]): void {
    this.events.push(["data", text(d), addr]);
    this.wake();
  }
  override errorReceived(exc: Error): void {
    this.events.push(["error", (exc as { code?: string }).code ?? "?"]);
    this.wake();
  }
  override connectionLost(exc: unknown): void {
    this.lost = exc;
    this.wake();
  }
  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.setResult(undefined);
  }
  *next(count = 1): Coroutine<void> {
    while (this.events.length < count) {
      this.waiter = new Future<void>(getRunningLoop());
      yield* this.waiter;
    }
  }
}

/** Echoes every datagram back to its sender. */
class Echo extends DatagramProtocol {
  t!: DatagramTransport;
  override connectionMade(t: DatagramTransport): void {
    this.t = t;
  }
  override datagramReceived(d: Uint8Array, addr: [string, number]): void {
    this.t.sendto(d, addr);
  }
}

test("a connected endpoint exchanges datagrams with an echo endpoint and knows both addresses", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const errors = recordErrors();
    const [server] = yield* loop.createDatagramEndpoint(() => new Echo(), { localAddr: ["127.0.0.1", 0] });
    const port = (server.getExtraInfo("sockname") as { port: number }).port;
    assert.ok(port > 0);
    const [t, p] = yield* loop.createDatagramEndpoint(() => new Recorder(), { remoteAddr: ["127.0.0.1", port] });
    assert.is(p.transport, t);
    assert.is((t.getExtraInfo("peername") as { port: number }).port, port);
    const mine = (t.getExtraInfo("sockname") as { port: number }).port;
    t.sendto("one");
    t.sendto(new TextEncoder().encode("two"), ["127.0.0.1", port]);
    yield* p.next(2);
    // UDP keeps no order (Deno's dgram may swap two sends): compare as a set
    assert.equal([...p.events].sort(), [
      ["data", "one", ["127.0.0.1", port]],
      ["data", "two", ["127.0.0.1", port]],
    ]);
    assert.throws(() => t.sendto("x", ["127.0.0.1", port + 1 > 65535 ? 1 : port + 1]), RangeError);
    t.close();
    server.close();
    yield* noFdsLeft();
    assert.is(p.lost, null);
    assert.ok(mine > 0);
    assert.equal(errors, []);
  });
});

test("an unconnected endpoint sends to any address; without one, errorReceived gets EDESTADDRREQ", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const [server] = yield* loop.createDatagramEndpoint(() => new Echo(), { localAddr: ["::1", 0] });
    const port = (server.getExtraInfo("sockname") as { port: number }).port;
    const [t, p] = yield* loop.createDatagramEndpoint(() => new Recorder(), { localAddr: ["::1", 0] });
    t.sendto("no address");
    yield* p.next(1);
    assert.equal(p.events[0], ["error", "EDESTADDRREQ"]);
    t.sendto("over ipv6", ["::1", port]);
    yield* p.next(2);
    assert.equal(p.events[1], ["data", "over ipv6", ["::1", port]]);
    t.close();
    server.close();
    yield* noFdsLeft();
  });
});

test("a datagram larger than UDP allows reaches errorReceived as EMSGSIZE and the endpoint keeps working", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const [server] = yield* loop.createDatagramEndpoint(() => new Echo(), { localAddr: ["127.0.0.1", 0] });
    const port = (server.getExtraInfo("sockname") as { port: number }).port;
    const [t, p] = yield* loop.createDatagramEndpoint(() => new Recorder(), { remoteAddr: ["127.0.0.1", port] });
    t.sendto(new Uint8Array(70_000));
    yield* p.next(1);
    assert.equal(p.events[0], ["error", "EMSGSIZE"]);
    t.sendto("still here");
    yield* p.next(2);
    assert.equal(p.events[1], ["data", "still here", ["127.0.0.1", port]]);
    t.close();
    server.close();
    yield* noFdsLeft();
  });
});

test("sending to a port nobody listens on: ECONNREFUSED reaches errorReceived on Node (Deno's dgram reports nothing)", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const [probe] = yield* loop.createDatagramEndpoint(() => new Recorder(), { localAddr: ["127.0.0.1", 0] });
    const port = (probe.getExtraInfo("sockname") as { port: number }).port;
    probe.close(); // the port is free now: the kernel answers ICMP port-unreachable
    const [server] = yield* loop.createDatagramEndpoint(() => new Echo(), { localAddr: ["127.0.0.1", 0] });
    const echoPort = (server.getExtraInfo("sockname") as { port: number }).port;
    const [t, p] = yield* loop.createDatagramEndpoint(() => new Recorder(), { remoteAddr: ["127.0.0.1", port] });
    t.sendto("anyone?");
    if (!isDeno) {
      yield* p.next(1);
      assert.equal(p.events[0], ["error", "ECONNREFUSED"]);
    }
    assert.not.ok(t.isClosing(), "the endpoint stays open");
    // and an unconnected endpoint of the same loop still works
    const [u, q] = yield* loop.createDatagramEndpoint(() => new Recorder(), { localAddr: ["127.0.0.1", 0] });
    u.sendto("ok", ["127.0.0.1", echoPort]);
    yield* q.next(1);
    assert.equal(q.events[0][1], "ok");
    for (const x of [t, u, server]) x.close();
    yield* noFdsLeft();
  });
});

test("binding a port already bound fails with EADDRINUSE and leaves no fd", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const [a] = yield* loop.createDatagramEndpoint(() => new Recorder(), { localAddr: ["127.0.0.1", 0] });
    const port = (a.getExtraInfo("sockname") as { port: number }).port;
    try {
      yield* loop.createDatagramEndpoint(() => new Recorder(), { localAddr: ["127.0.0.1", port] });
      assert.unreachable("bound twice");
    } catch (e) {
      assert.is((e as { code?: string }).code, "EADDRINUSE");
    }
    a.close();
    yield* noFdsLeft();
  });
});

test("after an oversized datagram, a refusal and a failed bind, the runtime holds no more UDP handles than before", async () => {
  const before = await handlesLeft(["UDPWrap"], []); // earlier tests' handles finish closing first
  await run(function* () {
    const loop = getRunningLoop();
    const [a, p] = yield* loop.createDatagramEndpoint(() => new Recorder(), { localAddr: ["127.0.0.1", 0] });
    if (!isDeno)
      assert.ok(activeHandles(["UDPWrap"]).length > before.length, "Node lists open UDP handles (Deno lists none)");
    const port = (a.getExtraInfo("sockname") as { port: number }).port;
    a.sendto(new Uint8Array(70_000), ["127.0.0.1", port]);
    yield* p.next(1);
    try {
      yield* loop.createDatagramEndpoint(() => new Recorder(), { localAddr: ["127.0.0.1", port] });
    } catch {
      /* EADDRINUSE */
    }
    const [b] = yield* loop.createDatagramEndpoint(() => new Recorder(), { remoteAddr: ["127.0.0.1", port] });
    a.close(); // b's peer is gone: its sends are refused
    b.sendto("x");
    // b is left open: closing the loop closes it
  });
  assert.equal(await handlesLeft(["UDPWrap"], before), [], "UDP handles left");
});

test("createDatagramEndpoint checks its arguments eagerly", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    assert.throws(() => loop.createDatagramEndpoint(42 as any), TypeError);
    assert.throws(
      () => loop.createDatagramEndpoint(() => new Recorder(), { localAddr: "127.0.0.1:0" as any }),
      TypeError,
    );
    assert.throws(
      () => loop.createDatagramEndpoint(() => new Recorder(), { localAddr: ["127.0.0.1", 70000] }),
      RangeError,
    );
  });
});

test.run();
