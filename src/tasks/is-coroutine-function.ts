// isCoroutineFunction: asyncio.iscoroutinefunction for wasio, where a coroutine function is a
// generator function (`function*`): calling it makes a coroutine. A function that merely returns
// a generator is not one (its kind cannot be seen without calling it), as in asyncio.

/** True for a generator function (`function* () {}`, a generator method). */
export function isCoroutineFunction(f: unknown): f is (...args: any[]) => Generator {
  return typeof f === "function" && Object.prototype.toString.call(f) === "[object GeneratorFunction]";
}
