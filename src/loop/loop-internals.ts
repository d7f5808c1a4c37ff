// The loop's internal contract: the members of a loop that the layers above it (tasks, sync, io)
// and the loop's own handles may use beyond the public API, and nothing else. Like Trio's
// run_sync_soon or mio's event::Source, it is the one named surface between the scheduler and
// what is built on it; tests/structure/layers.test.ts fails if code outside src/loop/event-loop.ts
// touches an underscore member of a loop that is not listed here.
//
// Rules: every member is cheap (no checks, no Handle), is called only from the loop's thread
// except `_soonThreadsafe`, and never throws for a closed loop (the public methods check that).

import type { Task } from "../tasks/task.js";
import type { Unretrieved } from "../tasks/future.js";
import type { DeadlineBlock, TimerHandle } from "./handle.js";

/** An internal callback on the ready queue: called once with the argument it was queued with. */
export type Step = (arg: any) => void;

export interface LoopInternals {
  /**
   * Queues `fn(arg)` for the next pass, behind everything already queued (FIFO). The hot path of
   * every task step and future wake-up: no Handle, no argument check. Called from host code (not
   * inside an iteration), it also wakes a loop that awaits its host.
   */
  _soon(fn: Step, arg: unknown): void;
  /** Queues `fn(arg)` from outside the loop (a worker's message, a signal) and wakes the loop. */
  _soonThreadsafe(fn: Step, arg: unknown): void;
  /** Called once by `TimerHandle.cancel` for a timer still scheduled: forget it (in the core too). */
  _timerCancelled(h: TimerHandle): void;
  /** The block the loop's next timer handles keep their deadlines in (null until the first). */
  _deadlines: DeadlineBlock | null;
  /** Failed futures whose exception nobody retrieved yet; `close()` reports what is left. */
  readonly _unretrieved: Set<Unretrieved>;
  /** The head sentinel of the loop's intrusive list of live tasks (`allTasks`). */
  readonly _tasks: { _nextTask: Task<unknown> | null };
  /** The task whose step is running, or null (`currentTask`). */
  _currentTask: Task<unknown> | null;
  /** Task steps run so far, counted by each step: a pending Future's iterator tells a new await by it. */
  _steps: number;
  /** Run by `close()`, newest first: how executors and signal handlers release what they hold. */
  readonly _closeHooks: (() => void)[];
}
