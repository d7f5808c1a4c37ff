// Shapes: one object of each hot class, kept alive for the life of the process.
//
// Why: V8 gives every object a hidden class (a "map") reached through transitions that the
// garbage collector holds weakly. When every object of a class dies (a loop is closed, its tasks
// and queues dropped, and a full GC runs), the maps die with them, and every piece of optimized
// code specialised on them is thrown away. The next loop then runs re-warmed, re-optimized code
// that is often worse than the first (call sites seen polymorphic, less inlining). Keeping one
// object of each class alive keeps the maps, so code optimized for one loop stays valid for the
// next. Measured on queue ping-pong (scripts/bench/w3-ping-pong.mjs, rounds with a full GC
// between them, callgrind): see docs/benchmarks.md.
//
// How: the first EventLoop made calls `keepShapes`, which makes one more loop of the same (public)
// class on the default host, like a user's, lets each registered maker build its twins on it (a Future, a Task, a
// Queue with a get and a put, ...) through the real constructors, closes that loop, and keeps it
// all. Makers are registered by the modules that own the classes, so this layer imports none.
//
// Objects that only real use shapes as they are (a stream reader, its transport and protocol, with
// the field values and types a live connection gives them) are kept another way: the latest one
// of each kind (src/keep-latest.ts).
//
// Limits: costs one closed loop (its 128 KiB of core memory) and a few small objects, once. It
// helps only classes whose makers are registered; user generator functions get a new map per
// closure, which no library can keep.

import type { EventLoop } from "./event-loop.js";

type Maker = (loop: EventLoop) => unknown;

const makers: Maker[] = [];
let kept: unknown[] | null = null;
/** Errors thrown while making twins (an optimization only: they never reach the user's loop). */
const shapeErrors: unknown[] = [];

/** @internal How many makers ran (tests check that every registered maker did). */
export function _shapeStats(): { makers: number; kept: number; errors: number } {
  return { makers: makers.length, kept: kept === null ? 0 : kept.length - 1, errors: shapeErrors.length };
}

/** @internal The twins kept (the shape loop first, then each maker's result), for tests. */
export function _keptShapes(): readonly unknown[] {
  return kept ?? [];
}

/** Registers a function that builds twins of a module's hot classes on the shape loop. */
export function addShapeMaker(make: Maker): void {
  makers.push(make);
}

/** The first call (from the first EventLoop) makes and keeps the twins; later calls do nothing. */
export function keepShapes(Loop: new () => EventLoop): void {
  if (kept !== null) return;
  kept = [];
  let loop: EventLoop;
  try {
    loop = new Loop();
  } catch (error) {
    shapeErrors.push(error); // never let an optimization break making the user's loop
    return;
  }
  kept.push(loop);
  for (const make of makers) {
    try {
      kept.push(make(loop));
    } catch (error) {
      shapeErrors.push(error);
    }
  }
  loop.close();
}
