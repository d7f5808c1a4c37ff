// Deque: the ring buffer under the waiter lists and queues, checked against a plain array.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { Deque } from "../../src/sync/deque.js";

function contents<T>(d: Deque<T>): T[] {
  return Array.from({ length: d.length }, (_, i) => d.at(i));
}

test("push, shift, pop and unshift behave like an array's, across growth and wrap-around", () => {
  const d = new Deque<number>();
  const model: number[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 48271) % 2147483647);
  for (let step = 0; step < 20000; step++) {
    const r = rand() % 10;
    if (r < 4) {
      d.push(step);
      model.push(step);
    } else if (r < 6) {
      d.unshift(step);
      model.unshift(step);
    } else if (r < 8) {
      assert.is(d.shift(), model.shift());
    } else {
      assert.is(d.pop(), model.pop());
    }
    assert.is(d.length, model.length);
    assert.is(d.peek(), model[0]);
  }
  assert.equal(contents(d), model);
});

test("remove takes out the first occurrence from the front, the back or the middle", () => {
  const d = new Deque<string>();
  for (const x of "abcdefghij") d.push(x);
  d.shift();
  d.push("k"); // wrapped
  assert.ok(d.remove("b"));
  assert.ok(d.remove("k"));
  assert.ok(d.remove("d"));
  assert.ok(d.remove("h"));
  assert.not.ok(d.remove("z"));
  assert.equal(contents(d), ["c", "e", "f", "g", "i", "j"]);
  d.push("c");
  assert.ok(d.remove("c"));
  assert.equal(contents(d), ["e", "f", "g", "i", "j", "c"]);
});

test("removing from the middle keeps the order, whichever side closes the gap", () => {
  for (let n = 1; n < 40; n++) {
    for (let k = 0; k < n; k++) {
      const d = new Deque<number>();
      for (let i = 0; i < 5; i++) {
        // start off-centre
        d.push(-1);
        d.shift();
      }
      for (let i = 0; i < n; i++) d.push(i);
      assert.ok(d.remove(k));
      const expected = Array.from({ length: n }, (_, i) => i).filter((i) => i !== k);
      assert.equal(contents(d), expected);
    }
  }
});

test("shift and pop on an empty deque return undefined; clear empties it", () => {
  const d = new Deque<number>();
  assert.is(d.shift(), undefined);
  assert.is(d.pop(), undefined);
  assert.is(d.peek(), undefined);
  for (let i = 0; i < 100; i++) d.push(i);
  d.clear();
  assert.is(d.length, 0);
  d.push(1);
  assert.equal(contents(d), [1]);
});

test.run();
