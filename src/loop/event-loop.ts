// The event loop: a ready queue, timers and fd callbacks over one instance of the wasm core.
//
// One iteration (`iterate`) reads top to bottom like libuv's uv_run:
//   0. flush     — hand the timers scheduled since the last poll to the core, in one call;
//   1. poll      — one core.poll call: wait (0 if callbacks are ready, else until the nearest
//                  timer or an fd) through the host's poll_oneoff, collect ready fds and expired
//                  timers in (deadline, sequence) order (skipped when it could find nothing);
//   2. dispatch  — queue the callbacks of ready fds, then of every expired timer;
//   3. run       — run the callbacks that were queued when the pass began; what they queue waits
//                  for the next pass, so no callback can starve the others (or I/O, or timers).
//                  When the next iteration could only run that next pass (no timer, fd or
//                  wake-up to poll for), runPass runs it at once ("fused", 64 passes at most).
//
// Two drivers run iterations: `runForeverSync` for hosts whose poll may block the thread, and
// `runForever` (async) for hosts that must not block: it runs iterations back to back while there
// is work, awaits `host.idle()` when a poll that could wait found nothing, and gives the host one
// turn every ~2 ms of continuous work. Work queued from host code (outside an iteration) wakes it.
//
// This file is the base loop (asyncio's BaseEventLoop): timers, fd callbacks, the ready queue,
// the drivers and the exception handler. The public `EventLoop` class is this loop completed by
// the I/O layer (src/io/event-loop.ts adds runInExecutor, getaddrinfo and signal handlers); the
// `EventLoop` type declared here is that class's type, so every layer can name the full loop
// without importing upwards. The upper layers use the loop's public methods and the members of
// `LoopInternals` (loop-internals.ts), nothing else.
//
// Invariants: every entry of the ready queue, queue[head, queueLen), is a (function, argument)
// pair; public callbacks are (runHandle, Handle). A timer is either in `pendingTimers` (scheduled
// since the last poll) or, by its core id, in `timers` (in the core's heap), until it fires or is
// cancelled.

import {
  Core,
  INTEREST_READ,
  INTEREST_WRITE,
  POLL_WOULD_BLOCK_FOREVER,
  READY_READ,
  READY_TIMER,
} from "../core/core.js";
import type { Host } from "../hosts/host.js";
import { defaultHost } from "../hosts/default-host.js";
import { isExitException, safeString } from "../errors.js";
import { Future, reportUnretrieved, type Unretrieved } from "../tasks/future.js";
import { Task, failStrandedTask, firstStep, wakeStep, type TaskOptions } from "../tasks/task.js";
import type { Awaitable, Coroutine } from "../tasks/coroutine.js";
import { ensureFuture } from "../tasks/ensure-future.js";
import { Context, captureContext, contextsOn } from "./context.js";
import { debugFromEnvironment, noteDebugOn } from "./debug.js";
import { formatContext, type ExceptionContext } from "./exception-context.js";
import {
  ArgHandle,
  ArgTimerHandle,
  type DeadlineBlock,
  Handle,
  PENDING_TIMER,
  TimerHandle,
  runHandle,
} from "./handle.js";
import { PendingTimers } from "./pending-timers.js";
import { hostTurn } from "./host-turn.js";
import { addShapeMaker, keepShapes } from "./shapes.js";
import { _getRunningLoop, _setRunningLoop } from "./running.js";
import { checkCallback, checkFd, checkHost, checkTime, describe } from "../checks.js";
import type { Step } from "./loop-internals.js";

/** What setTaskFactory takes: makes the Task for createTask. */
export type TaskFactory = (loop: EventLoop, coro: Coroutine<any>, options?: TaskOptions) => Task<any>;

export type { ExceptionContext, Step };
export type ExceptionHandler = (loop: EventLoop, context: ExceptionContext) => void;

/**
 * The public event loop's type: the base loop's members plus those the I/O layer declares on this
 * interface when it completes the loop (src/io/event-loop.ts). Every loop a user can make or get
 * (`new EventLoop()`, `getRunningLoop()`, `run()`) is of that class, which is why the base loop
 * hands itself out as `this as unknown as EventLoop`.
 */
export interface EventLoop extends BaseEventLoop {}

/** Options of callSoon, callLater and callAt, given before the callback. */
export interface CallOptions {
  /** The context the callback runs in (default: a copy of the current one). */
  context?: Context;
}

export interface EventLoopOptions {
  /** The provider of time and readiness (default: the one for this runtime). */
  host?: Host;
  /** Debug mode: report slow callbacks, coroutines never awaited, and more (see `setDebug`); default: the WASIO_DEBUG environment variable. */
  debug?: boolean;
}

const BURST_MS = 2;
const STOPPED = 0;
const IDLE = 1;
const BUDGET = 2;
/** Passes runPass may run back to back when nothing else could happen between them. */
const FUSED_PASSES = 64;
/** A ready queue whose run part reaches this index is moved to the front. */
const COMPACT_AT = 1024;

/**
 * The base loop: use the public `EventLoop`, which extends it. It provides every member of
 * `LoopInternals` (not as an `implements` clause: those members are stripped from the published
 * types; tests/structure/layers.test.ts checks it at compile time).
 */
export class BaseEventLoop {
  /** In debug mode, a callback or task step longer than this (ms) is reported. */
  slowCallbackDuration = 100;
  /** The host this loop polls through. */
  readonly host: Host;
  /** @internal */ readonly _core: Core;
  private readonly ownsHost: boolean;
  private debug: boolean;
  private closed = false;
  private running = false;
  private stopping = false;
  private taskFactory: TaskFactory | null = null;
  private inside = false; // an iteration is on the stack (callbacks run inside the loop)
  // The ready queue: (fn, arg) pairs in queue[head, queueLen); a pass runs the pairs that were
  // there when it began, and what they queue is appended behind them.
  private queue: unknown[] = [];
  private head = 0;
  private queueLen = 0;
  private readonly timers: (TimerHandle | undefined)[] = [];
  private liveTimers = 0; // scheduled, not yet fired or cancelled
  private readonly pendingTimers = new PendingTimers(); // scheduled since the last poll, not yet in the core
  /** @internal */ _deadlines: DeadlineBlock | null = null;
  private fdCallbacks = 0; // registered readers + writers
  private readonly readers: (Handle | undefined)[] = [];
  private readonly writers: (Handle | undefined)[] = [];
  private threadsafe: unknown[] = []; // (fn, arg) pairs posted by callSoonThreadsafe
  private exceptionHandler: ExceptionHandler | null = null;
  /** @internal Futures that failed and whose exception nobody retrieved yet. */
  readonly _unretrieved = new Set<Unretrieved>();
  /** @internal Live tasks of this loop (an intrusive list: head sentinel). */
  readonly _tasks: { _nextTask: Task<unknown> | null } = { _nextTask: null };
  /** @internal The task whose step is running, if any. */
  _currentTask: Task<unknown> | null = null;
  /** @internal Task steps so far (a pending Future's iterator tells a new await by it). */
  _steps = 0;
  /** @internal Hooks run by close() (executors, signal handlers…), newest first. */
  readonly _closeHooks: (() => void)[] = [];

  constructor(options: EventLoopOptions = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    if (options.host !== undefined) checkHost(options.host);
    this.ownsHost = options.host === undefined;
    this.host = options.host ?? defaultHost();
    this.debug = options.debug === undefined ? debugFromEnvironment() : Boolean(options.debug);
    if (this.debug) noteDebugOn();
    this._core = new Core(this.host);
    this.watch(this.host.wakeupFd, INTEREST_READ);
    keepShapes(this.constructor as new () => EventLoop); // the public class (a twin of the same map)
  }

  // ---------------------------------------------------------------- time and callbacks

  /** The loop's monotonic clock, in ms. */
  time(): number {
    return this.host.now();
  }

  /** Schedules `cb(...args)` for the next pass (FIFO). */
  callSoon(cb: (...args: any[]) => unknown, ...args: unknown[]): Handle;
  /** The same, run in `options.context` (asyncio's `context=`) instead of a copy of the current context. */
  callSoon(options: CallOptions, cb: (...args: any[]) => unknown, ...args: unknown[]): Handle;
  callSoon(cb: ((...args: any[]) => unknown) | CallOptions): Handle {
    if (typeof cb !== "function") return withCallOptions(this as unknown as EventLoop, arguments, 0, soonWith, 0);
    this.checkClosed();
    const h = this.handleFor(cb, arguments);
    if (contextsOn) captureContext(h, undefined);
    this._soon(runHandle, h);
    return h;
  }

  /** Schedules `cb(...args)` from outside the loop (a host callback); wakes a waiting loop. */
  callSoonThreadsafe(cb: (...args: any[]) => unknown, ...args: unknown[]): Handle;
  callSoonThreadsafe(cb: (...args: any[]) => unknown): Handle {
    checkCallback(cb);
    this.checkClosed();
    const h = this.handleFor(cb, arguments);
    this._soonThreadsafe(runHandle, h);
    return h;
  }

  /** Schedules `cb(...args)` after `delay` ms (negative: as soon as possible). */
  callLater(delay: number, cb: (...args: any[]) => unknown, ...args: unknown[]): TimerHandle;
  callLater(delay: number, options: CallOptions, cb: (...args: any[]) => unknown, ...args: unknown[]): TimerHandle;
  callLater(delay: number, cb: ((...args: any[]) => unknown) | CallOptions): TimerHandle {
    checkTime(delay, "delay");
    if (typeof cb !== "function") return withCallOptions(this as unknown as EventLoop, arguments, 1, laterWith, delay);
    this.checkClosed();
    return this.schedule(this.host.now() + delay, cb, arguments);
  }

  /** Schedules `cb(...args)` at loop time `when` (ms). */
  callAt(when: number, cb: (...args: any[]) => unknown, ...args: unknown[]): TimerHandle;
  callAt(when: number, options: CallOptions, cb: (...args: any[]) => unknown, ...args: unknown[]): TimerHandle;
  callAt(when: number, cb: ((...args: any[]) => unknown) | CallOptions): TimerHandle {
    checkTime(when, "when");
    if (typeof cb !== "function") return withCallOptions(this as unknown as EventLoop, arguments, 1, atWith, when);
    this.checkClosed();
    return this.schedule(when, cb, arguments);
  }

  /**
   * Makes the handle calling `cb` with `args[1…]` (callSoon's and callSoonThreadsafe's arguments).
   * Small enough to be inlined into both, as `schedule` is.
   */
  private handleFor(cb: (...args: any[]) => unknown, args: IArguments): Handle {
    const loop = this as unknown as EventLoop;
    const h = args.length === 2 ? new ArgHandle(cb, args[1], loop) : new Handle(cb, loop);
    if (args.length > 2) h._setArgs(args, 1);
    return h;
  }

  /**
   * Makes the handle of a timer at `when` calling `cb` with `args[2…]` (callLater's and callAt's
   * arguments) and hands it to the next batch (see flushTimers). Small enough to be inlined into
   * both, so their `arguments` is never made into an object.
   */
  private schedule(when: number, cb: (...args: any[]) => unknown, args: IArguments): TimerHandle {
    const loop = this as unknown as EventLoop;
    const h = args.length === 3 ? new ArgTimerHandle(when, cb, args[2], loop) : new TimerHandle(when, cb, loop);
    if (args.length > 3) h._setArgs(args, 2);
    h._id = PENDING_TIMER;
    if (contextsOn) captureContext(h, undefined);
    this.pendingTimers.add(h);
    this.liveTimers++;
    return h;
  }

  /**
   * Hands the timers scheduled since the last poll to the core in one call (one boundary crossing
   * per batch, not per timer; one cancelled before the poll never reaches the core). Their order
   * in the batch is their scheduling order, so equal deadlines still fire in that order.
   */
  private flushTimers(): void {
    const pending = this.pendingTimers; // no callback runs (and schedules) during a flush
    const chunks = pending.chunks;
    const core = this._core;
    // The first pass stages the deadlines of the handles not cancelled since (room for all of
    // them); the second gives those same handles, in the same order, the ids the core assigned.
    const at = core.stageTimers(pending.size);
    const deadlines = core.f64();
    let live = 0;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c]!;
      for (let j = 0, n = pending.lengthOf(c); j < n; j++) {
        const h = chunk[j]!;
        if (h._id === PENDING_TIMER) deadlines[at + live++] = h._block[h._slot]!;
      }
    }
    if (live > 0) {
      const from = core.addStagedTimers(live);
      const ids = core.i32(); // after the call: adding may have grown memory
      const timers = this.timers;
      let k = from;
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c]!;
        for (let j = 0, n = pending.lengthOf(c); j < n; j++) {
          const h = chunk[j]!;
          if (h._id !== PENDING_TIMER) continue;
          const id = ids[k++]!;
          h._id = id;
          timers[id] = h;
        }
      }
    }
    pending.clear();
  }

  /** @internal Queues an internal callback for the next pass (no Handle, no checks). */
  _soon(fn: Step, arg: unknown): void {
    const q = this.queue;
    const n = this.queueLen;
    q[n] = fn;
    q[n + 1] = arg;
    this.queueLen = n + 2;
    // Queued from host code (a Node callback completing a future, say) while the async driver
    // awaits the host: wake it, as the self-pipe would.
    if (n === this.head && !this.inside) this.host.wakeup();
  }

  /** @internal Queues an internal callback from outside the loop and wakes it. */
  _soonThreadsafe(fn: Step, arg: unknown): void {
    this.threadsafe.push(fn, arg);
    this.host.wakeup();
  }

  /** @internal Called by TimerHandle.cancel for a scheduled timer. */
  _timerCancelled(h: TimerHandle): void {
    if (h._id !== PENDING_TIMER) {
      this._core.cancelTimer(h._id);
      this.timers[h._id] = undefined;
    }
    h._id = -1;
    this.liveTimers--;
  }

  // ---------------------------------------------------------------- fd callbacks

  /** Calls `cb(...args)` whenever `fd` is readable (level-triggered) until `removeReader(fd)`. */
  addReader(fd: number, cb: (...args: any[]) => unknown, ...args: unknown[]): Handle {
    const h = this.addFdCallback(this.readers, INTEREST_READ, fd, cb);
    h._setArgs(args, 0);
    return h;
  }

  /** Calls `cb(...args)` whenever `fd` is writable until `removeWriter(fd)`. */
  addWriter(fd: number, cb: (...args: any[]) => unknown, ...args: unknown[]): Handle {
    const h = this.addFdCallback(this.writers, INTEREST_WRITE, fd, cb);
    h._setArgs(args, 0);
    return h;
  }

  /** Stops watching `fd` for reading; returns false if no reader was registered. */
  removeReader(fd: number): boolean {
    return this.removeFdCallback(this.readers, INTEREST_READ, fd);
  }

  /** Stops watching `fd` for writing; returns false if no writer was registered. */
  removeWriter(fd: number): boolean {
    return this.removeFdCallback(this.writers, INTEREST_WRITE, fd);
  }

  private addFdCallback(
    table: (Handle | undefined)[],
    bit: number,
    fd: number,
    cb: (...args: any[]) => unknown,
  ): Handle {
    checkFd(fd);
    checkCallback(cb);
    this.checkClosed();
    if (fd === this.host.wakeupFd) throw new RangeError(`fd ${fd} is the loop's own wake-up fd`);
    if (!this.host.isOpen(fd)) throw new RangeError(`fd ${fd} is not open on host ${this.host.name}`);
    const h = new Handle(cb, this as unknown as EventLoop);
    const old = table[fd];
    if (old === undefined) this.fdCallbacks++;
    else old.cancel();
    table[fd] = h;
    this.watch(fd, this._core.exports.interest_of(fd) | bit);
    return h;
  }

  private removeFdCallback(table: (Handle | undefined)[], bit: number, fd: number): boolean {
    checkFd(fd);
    if (this.closed) return false;
    const h = table[fd];
    if (h === undefined) return false;
    table[fd] = undefined;
    this.fdCallbacks--;
    h.cancel();
    this.watch(fd, this._core.exports.interest_of(fd) & ~bit);
    return true;
  }

  /** Sets the core's interest in `fd` and tells the host (which may track readiness by it). */
  private watch(fd: number, mask: number): void {
    this._core.watch(fd, mask);
    this.host.setInterest?.(fd, mask);
  }

  // ---------------------------------------------------------------- futures and tasks

  createFuture<T = unknown>(): Future<T> {
    this.checkClosed();
    return new Future<T>(this as unknown as EventLoop);
  }

  createTask<T>(coro: Coroutine<T>, options?: TaskOptions): Task<T> {
    this.checkClosed();
    const factory = this.taskFactory;
    if (factory !== null) return factory(this as unknown as EventLoop, coro, options) as Task<T>;
    return new Task<T>(coro, this as unknown as EventLoop, options);
  }

  /**
   * Makes createTask call `factory(loop, coro, options)` for every task (asyncio's
   * set_task_factory; e.g. eagerTaskFactory); null restores plain Tasks.
   */
  setTaskFactory(factory: TaskFactory | null): void {
    if (factory !== null) checkCallback(factory, "the task factory");
    this.taskFactory = factory;
  }

  /** The task factory, or null. */
  getTaskFactory(): TaskFactory | null {
    return this.taskFactory;
  }

  // ---------------------------------------------------------------- one iteration

  /**
   * One iteration: poll (waiting unless callbacks are queued or the loop is stopping), dispatch,
   * run one pass. Returns true when the poll was allowed to wait and nothing came of it: a
   * blocking host is then deadlocked, a non-blocking one must be given time (`host.idle()`).
   */
  private iterate(): boolean {
    if (this.pendingTimers.size !== 0) this.flushTimers();
    const wait = this.queueLen === this.head && !this.stopping;
    // A poll that may not wait, with no timer and no fd but the (quiet) wake-up fd, can find
    // nothing: skip it. This is what makes task ping-pong cheap; it changes no ordering.
    const n =
      wait || this.liveTimers > 0 || this.fdCallbacks > 0 || this.host.wakeupPending()
        ? this._core.poll(wait ? -1 : 0)
        : 0;
    if (n > 0) {
      // All timers due at this poll are queued in this iteration, even past one batch.
      let timers = this.dispatch(n);
      const batch = this._core.timerBatch;
      while (timers === batch) timers = this.dispatch(this._core.exports.poll_timers());
    } else if (n < 0 && n !== POLL_WOULD_BLOCK_FOREVER) throw new Error(`poll_oneoff failed: WASI errno ${-n}`);
    if (this.debug) this.runPassDebug();
    else this.runPass();
    // A blocking provider may end a wait before the deadline it was given (the core also caps
    // one wait, at ~127 years): with timers still pending, that is a reason to poll again, not
    // idleness. A non-blocking host's empty poll only recorded the wait: it is idle.
    return wait && n <= 0 && !(this.liveTimers > 0 && this.host.canBlock);
  }

  /** Queues the callbacks of `n` ready entries; returns how many of them were timers. */
  private dispatch(n: number): number {
    const mem = this._core.i32();
    const base = this._core.readyIndex();
    const wakeFd = this.host.wakeupFd;
    let timers = 0;
    for (let at = base, end = base + n * 4; at < end; at += 4) {
      const kind = mem[at];
      const id = mem[at + 1];
      if (kind === READY_TIMER) {
        timers++;
        const h = this.timers[id];
        if (h === undefined) continue;
        this.timers[id] = undefined;
        h._id = -1;
        this.liveTimers--;
        this._soon(runHandle, h);
      } else if (id === wakeFd) {
        this.onWakeup();
      } else {
        const h = kind === READY_READ ? this.readers[id] : this.writers[id];
        if (h === undefined) continue;
        // A reader or writer whose handle was cancelled is removed (as asyncio does), or a
        // level-triggered ready fd would make every poll return at once. The kind is passed as
        // the interest bit: READY_KIND_IS_INTEREST_BIT (core.ts) checks that they agree.
        if (h._callback === null) this.removeFdCallback(kind === READY_READ ? this.readers : this.writers, kind, id);
        else this._soon(runHandle, h);
      }
    }
    return timers;
  }

  private onWakeup(): void {
    this.host.drainWakeup();
    const posted = this.threadsafe;
    if (posted.length === 0) return;
    this.threadsafe = [];
    for (let i = 0; i < posted.length; i += 2) this._soon(posted[i] as Step, posted[i + 1]);
  }

  /**
   * Runs the callbacks queued before the pass began; a throwing callback is reported. When the
   * pass queued more and the next iteration could do nothing but run them (no timer, no fd, no
   * wake-up, not stopping: its poll would be skipped; or timers and fds the host says a poll now
   * would not report), runs that pass too, up to FUSED_PASSES in a row: the same order as
   * separate iterations, without their overhead.
   */
  private runPass(): void {
    const q = this.queue;
    let i = this.head;
    let end = this.queueLen;
    if (i === end) return;
    let fn: Step | undefined;
    let arg: unknown;
    for (let passes = FUSED_PASSES; ; ) {
      try {
        while (i < end) {
          fn = q[i] as Step;
          arg = q[i + 1];
          q[i] = q[i + 1] = undefined;
          i += 2;
          // Task steps, the most common entries, are called by name: a direct call that V8 can
          // inline, where `fn(arg)` goes through its generic Call builtin.
          if (fn === wakeStep) wakeStep(arg as Task<unknown>);
          else if (fn === firstStep) firstStep(arg as Task<unknown>);
          else fn(arg);
        }
      } catch (exception) {
        if (isExitException(exception)) {
          this.passDone(i);
          throw exception;
        }
        this.reportCallbackError(exception, fn!, arg);
        continue;
      }
      end = this.queueLen;
      // The same test as iterate's poll skip, written out: as a shared method it cost ~80
      // instructions per message of queue ping-pong (scripts/bench/w3-ping-pong.mjs; V8 then
      // inlined less of this loop). tests/loop/fused-passes.test.ts checks the two agree.
      if (
        i === end ||
        --passes === 0 ||
        this.stopping ||
        this.pendingTimers.size !== 0 ||
        ((this.liveTimers !== 0 || this.fdCallbacks !== 0) && this.host.quiet?.() !== true) ||
        this.host.wakeupPending()
      )
        break;
    }
    this.passDone(i);
  }

  /** runPass, timing each callback and reporting the slow ones. */
  private runPassDebug(): void {
    const q = this.queue;
    const end = this.queueLen;
    let i = this.head;
    while (i < end) {
      const fn = q[i] as Step;
      const arg = q[i + 1];
      const t0 = this.host.now();
      q[i] = q[i + 1] = undefined;
      i += 2;
      try {
        fn(arg);
      } catch (exception) {
        if (isExitException(exception)) {
          this.passDone(i);
          throw exception;
        }
        this.reportCallbackError(exception, fn, arg);
      }
      const took = this.host.now() - t0;
      if (took >= this.slowCallbackDuration) {
        this.callExceptionHandler({
          message: `Executing ${describeEntry(fn, arg)} took ${(took / 1000).toFixed(3)} seconds`,
          ...(arg instanceof Task ? { task: arg } : arg instanceof Handle ? { handle: arg } : {}),
        });
      }
    }
    this.passDone(i);
  }

  /** The pairs before `i` have run: empty the queue, or move what is left to the front now and then. */
  private passDone(i: number): void {
    const len = this.queueLen;
    if (i === len) {
      this.head = this.queueLen = 0;
    } else if (i >= COMPACT_AT) {
      const q = this.queue;
      let to = 0;
      for (let from = i; from < len; from++) {
        q[to++] = q[from];
        q[from] = undefined;
      }
      this.head = 0;
      this.queueLen = len - i;
    } else {
      this.head = i;
    }
  }

  private reportCallbackError(exception: unknown, fn: Step, arg: unknown): void {
    if (failStrandedTask(fn, arg, exception)) return; // the failed task carries the report
    const ctx: ExceptionContext = { message: `Exception in callback ${describeEntry(fn, arg)}`, exception };
    if (arg instanceof Handle) ctx.handle = arg;
    this.callExceptionHandler(ctx);
  }

  // ---------------------------------------------------------------- drivers

  /** Runs until `stop()` is called, never blocking the thread. */
  async runForever(): Promise<void> {
    this.startRunning();
    try {
      for (;;) {
        const why = this.burst();
        if (why === STOPPED) return;
        // Idle: nothing can run until the host has news (or the poll's wait elapses). Out of
        // budget: work is still pending (maybe a timer the last pass added), so one host turn.
        if (why === IDLE) await this.host.idle();
        else await hostTurn();
      }
    } finally {
      this.stopRunning();
    }
  }

  /**
   * Runs iterations while there is work, for at most ~2 ms. Returns STOPPED, IDLE (a poll that
   * could wait found nothing: await the host) or BUDGET (time is up: give the host one turn).
   */
  private burst(): number {
    const prev = _setRunningLoop(this as unknown as EventLoop);
    this.inside = true;
    try {
      const deadline = this.host.now() + BURST_MS;
      let spins = 0;
      for (;;) {
        const idle = this.iterate();
        if (this.stopping) return STOPPED;
        if (idle) return IDLE;
        if ((++spins & 63) === 0 && this.host.now() >= deadline) return BUDGET;
      }
    } finally {
      this.inside = false;
      _setRunningLoop(prev);
    }
  }

  /** Runs until `stop()` is called, blocking in poll_oneoff (hosts with `canBlock` only). */
  runForeverSync(): void {
    if (!this.host.canBlock) throw new Error(`host ${this.host.name} cannot block: use runForever()`);
    this.startRunning();
    const prev = _setRunningLoop(this as unknown as EventLoop);
    this.inside = true;
    try {
      for (;;) {
        const idle = this.iterate();
        if (this.stopping) return;
        if (idle) {
          throw new Error("deadlock: the loop has nothing to wait for (no timer, no ready fd, no callback)");
        }
      }
    } finally {
      this.inside = false;
      _setRunningLoop(prev);
      this.stopRunning();
    }
  }

  /** Runs the loop until `aw` is done; returns its result or throws its exception. */
  async runUntilComplete<T>(aw: Awaitable<T>): Promise<T> {
    const fut = this.prepareRun(aw);
    try {
      await this.runForever();
    } finally {
      fut.removeDoneCallback(stopLoopWhenDone);
    }
    return this.completed(fut);
  }

  /** runUntilComplete for hosts whose poll may block (`runSync`, VirtualHost, WASI runtimes). */
  runUntilCompleteSync<T>(aw: Awaitable<T>): T {
    const fut = this.prepareRun(aw);
    try {
      this.runForeverSync();
    } finally {
      fut.removeDoneCallback(stopLoopWhenDone);
    }
    return this.completed(fut);
  }

  private prepareRun<T>(aw: Awaitable<T>): Future<T> {
    this.checkClosed();
    this.checkNotRunning();
    const fut = ensureFuture(aw, this as unknown as EventLoop);
    fut.addDoneCallback(stopLoopWhenDone);
    return fut;
  }

  private completed<T>(fut: Future<T>): T {
    if (!fut.done()) throw new Error("Event loop stopped before Future completed.");
    return fut.result();
  }

  /** Stops the loop after the current pass. */
  stop(): void {
    this.stopping = true;
    if (this.running && !this.inside) this.host.wakeup(); // called from host code: wake the loop
  }

  isRunning(): boolean {
    return this.running;
  }

  isClosed(): boolean {
    return this.closed;
  }

  /**
   * Closes the loop: drops pending callbacks and timers, reports exceptions never retrieved,
   * runs close hooks. Throws if the loop is running; a second close does nothing.
   */
  close(): void {
    if (this.running) throw new Error("Cannot close a running event loop");
    if (this.closed) return;
    for (const u of [...this._unretrieved]) reportUnretrieved(u);
    this.closed = true;
    for (const hook of this._closeHooks.splice(0).reverse()) hook();
    this.queue = [];
    this.head = this.queueLen = 0;
    this.threadsafe = [];
    for (const h of this.timers) if (h !== undefined) h.cancel();
    this.pendingTimers.cancelAll();
    for (const t of [this.readers, this.writers]) for (const h of t) h?.cancel();
    if (this.ownsHost) {
      this.host.close();
    } else {
      // The host outlives this loop: take back the interest this loop told it about.
      const fds = new Set<number>([this.host.wakeupFd]);
      for (const t of [this.readers, this.writers])
        t.forEach((h, fd) => {
          if (h !== undefined) fds.add(fd);
        });
      for (const fd of fds) this.host.setInterest?.(fd, 0);
    }
    // Nothing calls the core after this point: every path to it checks `closed` first.
    this._core.release();
  }

  private startRunning(): void {
    this.checkClosed();
    this.checkNotRunning();
    const other = _getRunningLoop();
    if (other !== null) throw new Error("Cannot run the event loop while another loop is running");
    this.running = true;
  }

  private stopRunning(): void {
    this.running = false;
    this.stopping = false;
  }

  private checkNotRunning(): void {
    if (this.running) throw new Error("This event loop is already running");
  }

  private checkClosed(): void {
    if (this.closed) throw new Error("Event loop is closed");
  }

  // ---------------------------------------------------------------- errors and debug

  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null) checkCallback(handler, "exception handler");
    this.exceptionHandler = handler;
  }

  getExceptionHandler(): ExceptionHandler | null {
    return this.exceptionHandler;
  }

  /** Reports `context` through the exception handler (the default one if none is set). */
  callExceptionHandler(context: ExceptionContext): void {
    checkContext(context);
    const handler = this.exceptionHandler;
    if (handler !== null) {
      try {
        handler(this as unknown as EventLoop, context);
        return;
      } catch (exception) {
        context = { message: "Unhandled error in exception handler", exception, context };
      }
    }
    // Reporting never throws into the loop: a console that fails has nothing left to tell.
    try {
      this.defaultExceptionHandler(context);
    } catch {
      /* nothing more can be done */
    }
  }

  /** Prints `context`: console.error when it carries an exception, console.warn otherwise. */
  defaultExceptionHandler(context: ExceptionContext): void {
    checkContext(context);
    const text = formatContext(context);
    let failed = false;
    try {
      failed = context.exception !== undefined;
    } catch {
      /* an unreadable context: print it as an error */ failed = true;
    }
    if (failed) console.error(text);
    else console.warn(text);
  }

  setDebug(enabled: boolean): void {
    this.debug = Boolean(enabled);
    if (this.debug) noteDebugOn();
  }

  getDebug(): boolean {
    return this.debug;
  }

  toString(): string {
    return `<EventLoop host=${this.host.name} running=${this.running} closed=${this.closed} debug=${this.debug}>`;
  }
}

/**
 * The options form of callSoon/callLater/callAt: `args[at]` is the options, the callback and its
 * arguments follow; schedules through `schedule` (given the loop, the callback and its arguments,
 * and the call's delay or deadline) and gives the handle the context asked for. The schedulers
 * are module functions, not closures: a closure over the caller's `this` or delay would make
 * every call of the plain form allocate its scope.
 */
function withCallOptions<H extends Handle>(
  loop: EventLoop,
  args: IArguments,
  at: number,
  schedule: (loop: EventLoop, rest: unknown[], time: number) => H,
  time: number,
): H {
  const options: unknown = args[at];
  if (options === null || typeof options !== "object") checkCallback(options); // throws TypeError
  const context = (options as CallOptions).context;
  if (context !== undefined && !(context instanceof Context))
    throw new TypeError("the context option must be a Context");
  checkCallback(args[at + 1]);
  const h = schedule(loop, Array.prototype.slice.call(args, at + 1), time);
  if (context !== undefined) captureContext(h, context);
  return h;
}

type Scheduled = [cb: () => void, ...args: unknown[]];
const soonWith = (loop: EventLoop, rest: unknown[]) => loop.callSoon(...(rest as Scheduled));
const laterWith = (loop: EventLoop, rest: unknown[], delay: number) => loop.callLater(delay, ...(rest as Scheduled));
const atWith = (loop: EventLoop, rest: unknown[], when: number) => loop.callAt(when, ...(rest as Scheduled));

/** Stops the loop once the awaited future is done, unless an exit exception already broke out of it. */
function stopLoopWhenDone(fut: Future<unknown>): void {
  if (fut._failed && isExitException(fut._exception)) return;
  fut.getLoop().stop();
}

function describeEntry(fn: Step, arg: unknown): string {
  if (arg instanceof Task || arg instanceof Handle || arg instanceof Future) return safeString(arg);
  return `${fn.name || "callback"}()`;
}

function checkContext(context: unknown): void {
  if (typeof context !== "object" || context === null)
    throw new TypeError(`an exception context must be an object with a message, got ${describe(context)}`);
}

function noop(): void {}

addShapeMaker((loop) => [
  loop.callSoon(noop),
  loop.callSoon(noop, 1),
  loop.callLater(1, noop),
  loop.callLater(1, noop, 1),
]);
