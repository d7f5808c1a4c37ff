// A consumer's program: what a user of the installed package writes. Type-checked (strict) by the
// consumer test, then run under Node (after tsc) and Deno (as is). Prints "consumer ok" on success.
import {
  run,
  runSync,
  sleep,
  createTask,
  gather,
  TaskGroup,
  asyncWith,
  Queue,
  VirtualHost,
  timeout,
  TimeoutError,
  getRunningLoop,
  fromPromise,
  type Task,
} from "wasio";

const five: number = await run(function* () {
  const t: Task<string> = createTask(sleep(5, "slept"));
  const [a, b] = yield* gather([t, sleep(1, 2)]);
  const q = new Queue<number>();
  yield* asyncWith(new TaskGroup(), function* (tg) {
    tg.createTask(
      (function* () {
        yield* q.put(a.length + b);
      })(),
    );
  });
  try {
    yield* asyncWith(timeout(5), function* () {
      yield* sleep(10_000);
    });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
  }
  return yield* q.get();
});

const virtual: number = runSync(
  function* () {
    yield* sleep(600_000);
    // The running loop is the full public EventLoop, I/O layer's methods included.
    const loop = getRunningLoop();
    const full: [typeof loop.getaddrinfo, typeof loop.runInExecutor, typeof loop.addSignalHandler] = [
      loop.getaddrinfo,
      loop.runInExecutor,
      loop.addSignalHandler,
    ];
    if (full.some((f) => typeof f !== "function")) throw new Error("the running loop lacks the I/O layer's methods");
    return loop.createFuture<number>().getLoop().time();
  },
  { host: new VirtualHost() },
);

// AbortSignal interop types check with or without a lib that declares AbortSignal.
const aborted: boolean = await run(function* () {
  const waiter = createTask(
    fromPromise(
      (signal) =>
        new Promise<boolean>((resolve) => {
          signal.addEventListener("abort", () => resolve(signal.aborted), { once: true });
        }),
    ),
  );
  yield* sleep(1);
  const signal = waiter.getSignal();
  waiter.cancel();
  try {
    yield* waiter;
  } catch {
    /* cancelled, as asked */
  }
  return signal.aborted;
});

if (five !== 7 || virtual !== 600_000 || !aborted) throw new Error(`consumer got ${five}, ${virtual}, ${aborted}`);
// No `console` in a lib-ES2022-only project: reach it through globalThis.
(globalThis as { console?: { log(text: string): void } }).console?.log("consumer ok");
