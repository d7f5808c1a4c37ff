// The wasio core: a WASI reactor module that owns time and readiness for one event loop.
// See docs/abi.md for the exports, the memory layout and what a provider must supply.

export { timerAdd as timer_add, timerCancel as timer_cancel, timerNext as timer_next,
  timerCount as timer_count, timerHeapSize as timer_heap_size, timerSequenceSkip as timer_sequence_skip } from "./core/timers";
export { timerStaging as timer_staging, timerAddStaged as timer_add_staged } from "./core/staging";
export { watch, interestOf as interest_of } from "./core/interest";
export { poll, pollTimers as poll_timers, readyBuffer as ready_buffer, polledAt as polled_at } from "./core/poll";
export { TIMER_BATCH } from "./core/poll";
export { monotonicMs as now } from "./core/wasi";

import { initInterest, resetInterest } from "./core/interest";
import { resetTimers } from "./core/timers";
import { resetPoll } from "./core/poll";
initInterest();

/**
 * Puts the core back in the state `_initialize` left it in: no timers (ids and the sequence start
 * over), no interest, nothing learnt about the provider. The memory it has grown stays, and its
 * buffers are reused. For an embedder that gives one instance to one event loop after another.
 */
export function reset(): void {
  resetTimers();
  resetInterest();
  resetPoll();
}

/** Traps on an internal assertion failure; the core imports nothing but WASI. */
function abortCore(message: usize, fileName: usize, line: u32, column: u32): void {
  unreachable();
}
