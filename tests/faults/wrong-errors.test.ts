// Wrong or missing errors found under faults and bad input: a timed-out waitClosed() must not
// break the others, an injected errno reaches the fd's reader, setException and feedData take
// only what they are meant to, a write-side reset says "write", and public entry points refuse
// bad arguments with designed errors. Each test is a repro that failed before.

import { test } from "uvu";
import * as assert from "uvu/assert";
import * as wasio from "../../src/index.js";
import { IncompleteReadError, TimeoutError } from "../../src/errors.js";
import { VirtualHost } from "../../src/hosts/virtual-host.js";
import { openConnection, startServer, StreamReader, type StreamWriter } from "../../src/io/streams/index.js";
import { EventLoop } from "../../src/io/event-loop.js";
import { run } from "../../src/run.js";
import type { Coroutine } from "../../src/tasks/coroutine.js";
import { allTasks } from "../../src/tasks/current.js";
import { createTask } from "../../src/tasks/create-task.js";
import { Future } from "../../src/tasks/future.js";
import { TaskGroup } from "../../src/tasks/task-group.js";
import { waitFor } from "../../src/tasks/wait-for.js";
import { Event } from "../../src/sync/event.js";
import { bounded, newLoop, recordErrors, runVirtual, throwsA } from "../helpers.js";

// ------------------------------------------------------------------ waitClosed under a timeout

test("a waitClosed() that times out leaves the other waiters waiting and the close clean", async () => {
  const r = await bounded(
    run(function* () {
      const errors = recordErrors();
      let serverWriter: StreamWriter | null = null;
      const server = yield* startServer(
        (_r, w) => {
          serverWriter = w;
        },
        "127.0.0.1",
        0,
      );
      const [, writer] = yield* openConnection("127.0.0.1", server.address()!.port);
      const other = createTask(writer.waitClosed());
      let timedOut = false;
      try {
        yield* waitFor(writer.waitClosed(), 10);
      } catch (e) {
        timedOut = e instanceof TimeoutError;
      }
      writer.close();
      yield* other; // not CancelledError
      yield* writer.waitClosed(); // a late caller returns at once
      (serverWriter as StreamWriter | null)?.close();
      server.close();
      yield* server.waitClosed();
      return { timedOut, otherOk: other.done() && !other.cancelled(), errors: errors.map((c) => c.message) };
    }),
    10_000,
  );
  assert.ok(r.timedOut);
  assert.ok(r.otherOk);
  assert.equal(r.errors, []);
});

// ------------------------------------------------------------------ a write-side reset

test("drain() after the peer resets the connection throws an ECONNRESET (or EPIPE) error of the write side", async () => {
  const e = await bounded(
    run(function* () {
      const got = new Event();
      const server = yield* startServer(
        function* (r, w) {
          yield* r.read(5);
          w.transport.abort(); // RST
          got.set();
        },
        "127.0.0.1",
        0,
      );
      const [, writer] = yield* openConnection("127.0.0.1", server.address()!.port);
      writer.write("hello");
      yield* got.wait();
      const big = new Uint8Array(1 << 20);
      try {
        for (let i = 0; i < 100; i++) {
          writer.write(big);
          yield* writer.drain();
        }
        return null;
      } catch (err) {
        return err as { code: string; syscall: string; message: string };
      } finally {
        server.close();
      }
    }),
    10_000,
  );
  assert.ok(e !== null, "drain() never failed");
  assert.is(e!.syscall, "write");
  assert.ok(e!.code === "ECONNRESET" || e!.code === "EPIPE", e!.code);
  assert.match(e!.message, /^write /);
});

// ------------------------------------------------------------------ VirtualHost.injectError

test("an injected errno reaches the fd's reader as that errno, once", () => {
  const { loop, host } = newLoop();
  const [r, w] = host.pipe();
  const reads: number[] = [];
  loop.addReader(r, () => {
    reads.push(host.read(r, new Uint8Array(8)));
    if (reads.length === 2) {
      loop.removeReader(r);
      loop.stop();
    }
  });
  loop.callLater(1, () => host.injectError(r, 15)); // ECONNRESET
  loop.callLater(2, () => host.write(w, "ab"));
  loop.runForeverSync();
  loop.close();
  assert.equal(reads, [-15, 2]);
});

test("an injected errno on a write end is returned by the next write", () => {
  const host = new VirtualHost();
  const [, w] = host.pipe();
  host.injectError(w, 29);
  assert.is(host.write(w, "x"), -29);
  assert.is(host.write(w, "x"), 1);
});

test("injectError refuses an errno outside WASI's range", () => {
  const host = new VirtualHost();
  const [r] = host.pipe();
  throwsA(() => host.injectError(r, 0), RangeError);
  throwsA(() => host.injectError(r, 77), RangeError);
  throwsA(() => host.injectError(r, 1.5), RangeError);
  throwsA(() => host.injectError(r, "15" as unknown as number), TypeError);
});

// ------------------------------------------------------------------ setException and feedData

test("future.setException(undefined) and setException(null) throw TypeError; the future stays pending", () => {
  const { loop } = newLoop();
  const f = loop.createFuture();
  throwsA(() => f.setException(undefined), TypeError);
  throwsA(() => f.setException(null), TypeError);
  assert.not.ok(f.done());
  loop.close();
});

test("a coroutine that throws undefined still fails its task (internal paths take any thrown value)", () => {
  const r = runVirtual(function* () {
    const t = createTask(
      (function* (): Coroutine<void> {
        yield;
        throw undefined;
      })(),
    );
    try {
      yield* t;
    } catch (e) {
      return ["caught", e];
    }
    return ["no error"];
  });
  assert.equal(r, ["caught", undefined]);
});

test("StreamReader.feedData accepts only bytes", () => {
  const { loop } = newLoop();
  const reader = new StreamReader({ loop });
  throwsA(() => reader.feedData("abc" as unknown as Uint8Array), TypeError);
  throwsA(() => reader.feedData([300, -1] as unknown as Uint8Array), TypeError);
  reader.feedData(new Uint8Array([1, 2]));
  reader.feedData(new DataView(new Uint8Array([3]).buffer) as unknown as Uint8Array);
  reader.feedEof();
  const all = wasio.runSync(
    function* () {
      return yield* reader.read();
    },
    { host: new VirtualHost() },
  );
  assert.equal([...all], [1, 2, 3]);
  loop.close();
});

// ------------------------------------------------------------------ designed errors at public entry points

test("bad-argument calls at public entry points throw designed TypeErrors", () => {
  const host = new VirtualHost();
  throwsA(() => allTasks(123 as unknown as EventLoop), TypeError, "EventLoop");
  throwsA(() => new EventLoop({ host: {} as unknown as VirtualHost }), TypeError, "host must be a Host");
  throwsA(() => new EventLoop({ host }).callExceptionHandler("str" as unknown as { message: string }), TypeError);
  throwsA(() => host.pipe("x" as unknown as number), TypeError);
  throwsA(() => new IncompleteReadError(undefined as unknown as Uint8Array, 1), TypeError);
  throwsA(() => new wasio.ExceptionGroup("m", 5 as unknown as unknown[]), TypeError);
  throwsA(() => new Future(42 as unknown as EventLoop), TypeError);
});

test("TaskGroup.aexit() without aenter() throws a designed Error", () => {
  const e = runVirtual(function* () {
    try {
      yield* new TaskGroup().aexit(undefined);
    } catch (err) {
      return err;
    }
    return null;
  });
  assert.instance(e, Error);
  assert.match((e as Error).message, /not entered/);
});

test('writer.writelines(123) and setWriteBufferLimits("100", "10") throw TypeErrors', async () => {
  const r = await bounded(
    run(function* () {
      const server = yield* startServer(() => undefined, "127.0.0.1", 0);
      const [, writer] = yield* openConnection("127.0.0.1", server.address()!.port);
      const out: string[] = [];
      for (const f of [
        () => writer.writelines(123 as unknown as Uint8Array[]),
        () => writer.transport.setWriteBufferLimits("100" as unknown as number, "10" as unknown as number),
      ]) {
        try {
          f();
          out.push("no error");
        } catch (e) {
          out.push((e as Error).name);
        }
      }
      writer.close();
      server.close();
      server.closeClients();
      yield* server.waitClosed();
      return out;
    }),
    10_000,
  );
  assert.equal(r, ["TypeError", "TypeError"]);
});

test("internal classes are not exported from the package root; those on the API check their arguments", () => {
  for (const name of ["CallFuture", "GatheringFuture", "AsCompletedIterator", "SocketTransport"]) {
    assert.not.ok(name in wasio, `${name} is exported`);
  }
  const loop = new EventLoop({ host: new VirtualHost() });
  throwsA(() => new wasio.Handle(undefined as unknown as () => void, loop), TypeError);
  throwsA(() => new wasio.Handle(() => undefined, 0 as unknown as EventLoop), TypeError);
  throwsA(() => new wasio.TimerHandle("1" as unknown as number, () => undefined, loop), TypeError);
  throwsA(() => new (wasio.Server as unknown as new (...a: unknown[]) => unknown)(), TypeError);
  throwsA(() => new (wasio.StreamWriter as unknown as new (...a: unknown[]) => unknown)({}, null), TypeError);
  loop.close();
});

test.run();
