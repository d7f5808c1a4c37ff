// ticker: a stdin multiplexer, a WASI command on wasio's loop. While stdin is quiet it prints
// `tick N` (N = 1, 2, …) every 50 ms; each input line prints `line: TEXT`; at end of input it
// prints `eof` and exits 0; after 400 ms without a line (since the last one, or since start) it
// prints `idle` and exits 3. A read error on stdin is printed to stderr and exits 1.
//
//   wasmtime run build/examples/ticker.wasm

import { Handle, addReader, callLater, cancel, run } from "../loop";
import { exit, print, read } from "../wasi";

const TICK_MS: f64 = 50;
const IDLE_MS: f64 = 400;
const BUFFER = 4096;

const buffer = memory.data(BUFFER);
let pending = ""; // a partial line
let ticks = 0;
let tickTimer: Handle | null = null;
let idleTimer: Handle | null = null;

function onTick(data: usize): void {
  ticks++;
  print(1, "tick " + ticks.toString() + "\n");
  tickTimer = callLater(TICK_MS, onTick);
}

function onIdle(data: usize): void {
  print(1, "idle\n");
  exit(3);
}

/** Input came: the quiet periods start again. */
function restartTimers(): void {
  if (tickTimer !== null) cancel(tickTimer!);
  if (idleTimer !== null) cancel(idleTimer!);
  tickTimer = callLater(TICK_MS, onTick);
  idleTimer = callLater(IDLE_MS, onIdle);
}

function emitLine(text: string): void {
  if (text.endsWith("\r")) text = text.substring(0, text.length - 1);
  print(1, "line: " + text + "\n");
}

function onStdin(fd: i32, error: i32, data: usize): void {
  if (error != 0) {
    print(2, "ticker: stdin: WASI errno " + error.toString() + "\n");
    exit(1);
    return;
  }
  const n = read(fd, buffer, BUFFER);
  if (n == -6) return; // EAGAIN: not ready after all
  if (n < 0) {
    print(2, "ticker: reading stdin: WASI errno " + (-n).toString() + "\n");
    exit(1);
    return;
  }
  if (n == 0) {
    if (pending.length > 0) emitLine(pending);
    print(1, "eof\n");
    exit(0);
    return;
  }
  let text = pending + String.UTF8.decodeUnsafe(buffer, n);
  let lines = 0;
  let nl = text.indexOf("\n");
  while (nl >= 0) {
    emitLine(text.substring(0, nl));
    lines++;
    text = text.substring(nl + 1);
    nl = text.indexOf("\n");
  }
  pending = text;
  if (lines > 0) restartTimers();
}

addReader(0, onStdin);
restartTimers();
exit(run());
