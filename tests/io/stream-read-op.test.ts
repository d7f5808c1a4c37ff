// StreamReader.read(n > 0) and readexactly(n) are hand-written coroutines (ops) that the reader
// hands out again once finished, and a read's waiter future is reused: these check that they
// behave as the generators did (lazy start, waiting, errors, cancellation, a task taking one).

import { test } from "uvu";
import * as assert from "uvu/assert";
import { CancelledError, IncompleteReadError } from "../../src/errors.js";
import { StreamReader } from "../../src/io/streams/index.js";
import { createTask } from "../../src/tasks/create-task.js";
import { rejects, runVirtual } from "../helpers.js";

const bytes = (...b: number[]) => new Uint8Array(b);

test("nothing happens until a read is first resumed: a failed stream throws then, not at the call", () => {
  runVirtual(function* () {
    const r = new StreamReader();
    const op = r.read(5);
    r.setException(new Error("boom"));
    assert.is((yield* rejects(op, Error)).message, "boom");
  });
});

test("a loop of reads gets every byte in order, and a finished read cannot be resumed again", () => {
  runVirtual(function* () {
    const r = new StreamReader();
    const feeder = createTask(
      (function* () {
        for (let i = 0; i < 20; i++) {
          r.feedData(bytes(i, i + 100));
          yield;
        }
        r.feedEof();
      })(),
    );
    const got: number[] = [];
    for (;;) {
      const data = yield* r.read(1);
      if (data.length === 0) break;
      got.push(data[0]);
    }
    yield* feeder;
    const expected = Array.from({ length: 20 }, (_, i) => [i, i + 100]).flat();
    assert.equal(got, expected);
    const done = r.read(1);
    assert.is((yield* done).length, 0); // at EOF
    assert.throws(() => (done as Iterator<unknown>).next(), /cannot reuse already awaited coroutine/);
  });
});

test("readexactly waits through several feeds and throws IncompleteReadError with the partial bytes at EOF", () => {
  runVirtual(function* () {
    const r = new StreamReader();
    const task = createTask(r.readexactly(6));
    for (const b of [1, 2, 3, 4, 5, 6, 7]) {
      yield;
      r.feedData(bytes(b));
    }
    assert.equal([...(yield* task)], [1, 2, 3, 4, 5, 6]);
    const last = createTask(r.readexactly(3));
    yield;
    r.feedEof();
    const e = yield* rejects(last, IncompleteReadError);
    assert.equal([...e.partial], [7]);
  });
});

test("an error set while a read waits is thrown out of it, and the next read throws it too", () => {
  runVirtual(function* () {
    const r = new StreamReader();
    const task = createTask(r.read(10));
    yield;
    r.setException(new RangeError("lost"));
    yield* rejects(task, RangeError);
    yield* rejects(r.readexactly(1), RangeError);
  });
});

test("a read that a task took is not handed out again, and a cancelled one leaves the bytes for the next", () => {
  runVirtual(function* () {
    const r = new StreamReader();
    const first = r.read(4);
    const task = createTask(first);
    yield;
    task.cancel();
    yield* rejects(task, CancelledError);
    assert.is.not(r.read(4), first);
    r.feedData(bytes(9, 8));
    const again = createTask(r.readexactly(2));
    yield;
    assert.equal([...(yield* again)], [9, 8]);
    // A waiter woken with data but its task cancelled before it ran: nothing is consumed.
    const late = createTask(r.read(4));
    yield;
    r.feedData(bytes(7));
    late.cancel();
    yield* rejects(late, CancelledError);
    assert.equal([...(yield* r.read(4))], [7]);
  });
});

test("a second read waiting while another waits throws, and the first still gets its data", () => {
  runVirtual(function* () {
    const r = new StreamReader();
    const first = createTask(r.read(2));
    yield;
    const e = yield* rejects(r.readexactly(1), Error);
    assert.match(e.message, "readexactly() called while another coroutine is already waiting");
    r.feedData(bytes(1, 2, 3));
    assert.equal([...(yield* first)], [1, 2]);
    assert.equal([...(yield* r.readexactly(1))], [3]);
  });
});

test.run();
