// Waiting for events of an EventTarget (DOM, Deno, Node's AbortSignal…) or a Node EventEmitter.
//
//   const [event] = yield* once(target, "message");      // the listener's arguments, as an array
//   for await (const [chunk] of on(emitter, "data")) …   // every event, buffered, until return()
//   yield* forAwait(on(emitter, "data"), function* ([chunk]) { … });
//
// The arguments come as an array, as Node's events.once/events.on give them. On an EventEmitter,
// an "error" event (unless "error" is the awaited name) is thrown. Listeners are always removed:
// when the event came, when the waiting task is cancelled (once), when iteration stops (on).

import { getRunningLoop } from "../loop/running.js";
import { describe } from "../checks.js";
import type { Coroutine } from "./coroutine.js";
import { tracked } from "./debug-coroutines.js";
import { Future, PENDING } from "./future.js";

type Listener = (...args: unknown[]) => void;

interface EmitterLike {
  on?(name: string | symbol, l: Listener): unknown;
  addListener?(name: string | symbol, l: Listener): unknown;
  off?(name: string | symbol, l: Listener): unknown;
  removeListener?(name: string | symbol, l: Listener): unknown;
}

/** Adds `onEvent` (and, on an emitter, `onError` for "error"); returns the function that removes them. */
function listen(target: unknown, name: string | symbol, onEvent: Listener, onError: (e: unknown) => void): () => void {
  if (typeof name !== "string" && typeof name !== "symbol")
    throw new TypeError(`an event name must be a string or a symbol, got ${describe(name)}`);
  const t = target as EventTarget & EmitterLike;
  if (
    t !== null &&
    typeof t === "object" &&
    typeof t.addEventListener === "function" &&
    typeof t.removeEventListener === "function"
  ) {
    if (typeof name !== "string") throw new TypeError("an EventTarget's event name must be a string");
    t.addEventListener(name, onEvent as EventListener);
    return () => t.removeEventListener(name, onEvent as EventListener);
  }
  const add = t?.on ?? t?.addListener;
  const remove = t?.off ?? t?.removeListener;
  if (t === null || typeof t !== "object" || typeof add !== "function" || typeof remove !== "function") {
    throw new TypeError(`an EventTarget or an EventEmitter was expected, got ${describe(target)}`);
  }
  add.call(t, name, onEvent);
  const watchErrors = name !== "error";
  if (watchErrors) add.call(t, "error", onError as Listener);
  return () => {
    remove.call(t, name, onEvent);
    if (watchErrors) remove.call(t, "error", onError as Listener);
  };
}

/** Waits for one `name` event of `target`; returns the listener's arguments. */
export function once(target: EventTarget | EmitterLike, name: string | symbol): Coroutine<unknown[]> {
  const fut = new Future<unknown[]>(getRunningLoop());
  const remove = listen(
    target,
    name,
    (...args) => {
      if (fut._state === PENDING) fut.setResult(args);
    },
    (e) => {
      if (fut._state === PENDING) fut.setException(e);
    },
  );
  return tracked(waitThenRemove(fut, remove), "once");
}

function* waitThenRemove<T>(fut: Future<T>, remove: () => void): Coroutine<T> {
  try {
    return yield* fut;
  } finally {
    remove();
  }
}

/**
 * Every `name` event of `target`, as an AsyncIterableIterator of the listeners' arguments (events
 * are buffered while nobody waits); `return()` (a `break`, or forAwait's cancellation) removes the
 * listener. Works outside the loop too.
 */
export function on(target: EventTarget | EmitterLike, name: string | symbol): AsyncIterableIterator<unknown[]> {
  const buffered: unknown[][] = [];
  const waiting: { resolve(r: IteratorResult<unknown[]>): void; reject(e: unknown): void }[] = [];
  let failure: { error: unknown } | null = null;
  let closed = false;
  const remove = listen(
    target,
    name,
    (...args) => {
      const w = waiting.shift();
      if (w !== undefined) w.resolve({ done: false, value: args });
      else buffered.push(args);
    },
    (error) => {
      const w = waiting.shift();
      if (w !== undefined) w.reject(error);
      else failure = { error };
      close();
    },
  );
  function close(): void {
    if (closed) return;
    closed = true;
    remove();
    for (const w of waiting.splice(0)) w.resolve({ done: true, value: undefined });
  }
  const it: AsyncIterableIterator<unknown[]> = {
    next() {
      if (buffered.length > 0) return Promise.resolve({ done: false, value: buffered.shift()! });
      if (failure !== null) {
        const { error } = failure;
        failure = null;
        return Promise.reject(error);
      }
      if (closed) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() {
      close();
      buffered.length = 0;
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
