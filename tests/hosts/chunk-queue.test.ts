// ChunkQueue: the hosts' FIFO of received or queued byte chunks.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { ChunkQueue } from "../../src/hosts/chunk-queue.js";

const chunk = (v: number) => new Uint8Array([v]);

test("chunks come out in the order they went in, and an emptied queue starts over", () => {
  const q = new ChunkQueue();
  assert.ok(q.empty);
  for (let i = 0; i < 3; i++) q.push(chunk(i));
  assert.is(q.size, 3);
  const out: number[] = [];
  while (!q.empty) {
    out.push(q.first()[0]);
    q.shift();
  }
  assert.equal(out, [0, 1, 2]);
  q.push(chunk(9));
  assert.is(q.first()[0], 9);
  assert.is((q as unknown as { items: unknown[] }).items.indexOf(q.first()), 0);
});

test("a queue that never empties keeps its order and an array within twice what it holds", () => {
  const q = new ChunkQueue();
  q.push(chunk(0));
  let next = 1;
  for (let i = 0; i < 10_000; i++) {
    q.push(chunk(next++ % 256)); // always one chunk behind: the queue never empties
    assert.is(q.first()[0], i % 256);
    q.shift();
  }
  assert.is(q.size, 1);
  const items = (q as unknown as { items: unknown[] }).items;
  assert.ok(items.length <= 2 * 65 + 2, `array of ${items.length} slots for 1 chunk`);
});

test("setFirst replaces the oldest chunk and clear empties the queue", () => {
  const q = new ChunkQueue();
  q.push(new Uint8Array([1, 2, 3]));
  q.push(chunk(4));
  q.setFirst(q.first().subarray(1));
  assert.equal([...q.first()], [2, 3]);
  q.clear();
  assert.ok(q.empty);
  assert.is(q.size, 0);
});

test.run();
