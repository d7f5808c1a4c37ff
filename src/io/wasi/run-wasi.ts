// runWasi: runs a WASI preview1 command (a module exporting `_start`) on the running loop and
// returns a Future of its exit status — the module's proc_exit code, 0 when `_start` returns, 134
// after a trap (the trap message goes to stderr, as wasmtime's CLI does). The module runs in a
// worker thread (guest-worker.ts); its waits are served by this loop and its host
// (guest-session.ts), so the loop's thread is never blocked. Cancelling the future stops the
// worker and closes the guest's sockets.
//
// Limits: Node ≥ 20.16 or Deno 2 (worker_threads, SharedArrayBuffer, Atomics.waitAsync); the
// worker script is dist/wasi-worker.js, beside the bundle.

import type { EventLoop } from "../../loop/event-loop.js";
import { getRunningLoop } from "../../loop/running.js";
import type { Future } from "../../tasks/future.js";
import type { SocketHost } from "../../hosts/node/socket-host.js";
import { isSocketHost } from "../../hosts/socket-api.js";
import { nodeBuiltin } from "../../hosts/node/node-modules.js";
import { SHARED_BYTES, type GuestStart } from "./channel.js";
import { GuestSession, type GuestEnd } from "./guest-session.js";
import { checkModule } from "./check-module.js";
import { describe as describeValue } from "../../checks.js";

export interface RunWasiOptions {
  /** argv[1…] of the program (argv[0] is `programName`). */
  args?: string[];
  /** argv[0]; "main.wasm" when not given. */
  programName?: string;
  /** The environment, as name → value. Nothing is inherited. */
  env?: Record<string, string>;
  /** Host directories to preopen, as [host path, guest path] pairs (after the listeners). */
  dirs?: [string, string][];
  /** Listening TCP sockets to open, as "HOST:PORT": guest fds 3, 4, … in this order. */
  tcpListen?: string[];
  /** Where the trap or failure message goes; stderr when not given. */
  onMessage?: (message: string) => void;
}

interface WorkerLike {
  postMessage(m: unknown): void;
  on(ev: string, f: (arg: any) => void): void;
  terminate(): unknown;
}

/** "HOST:PORT" (or "[v6]:PORT") as [host, port]; throws RangeError when malformed. */
function parseHostPort(spec: string): [string, number] {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(spec);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535) throw new RangeError(`a TCP address must be HOST:PORT, got ${JSON.stringify(spec)}`);
  return [m[1] ?? m[2], port];
}

function checkOptions(o: RunWasiOptions): void {
  if (o === null || typeof o !== "object") throw new TypeError("runWasi() options must be an object");
  if (o.args !== undefined && (!Array.isArray(o.args) || o.args.some((a) => typeof a !== "string")))
    throw new TypeError("options.args must be an array of strings");
  if (
    o.env !== undefined &&
    (o.env === null || typeof o.env !== "object" || Object.values(o.env).some((v) => typeof v !== "string"))
  )
    throw new TypeError("options.env must map names to strings");
  if (
    o.dirs !== undefined &&
    (!Array.isArray(o.dirs) ||
      o.dirs.some((d) => !Array.isArray(d) || d.length !== 2 || typeof d[0] !== "string" || typeof d[1] !== "string"))
  )
    throw new TypeError("options.dirs must be [host path, guest path] pairs");
  if (o.tcpListen !== undefined && !Array.isArray(o.tcpListen))
    throw new TypeError('options.tcpListen must be an array of "HOST:PORT" strings');
  for (const t of o.tcpListen ?? []) parseHostPort(t);
}

/** dist/wasi-worker.js, beside the bundle this code is in (the ES module or the CommonJS one). */
function workerUrl(): URL {
  const here = (import.meta as { url?: string }).url;
  if (typeof here === "string") return new URL("./wasi-worker.js", here);
  const url = nodeBuiltin<{ pathToFileURL(p: string): URL }>("node:url")!;
  return url.pathToFileURL(`${typeof __dirname === "string" ? __dirname : "."}/wasi-worker.js`);
}

function writeStderr(text: string): void {
  const proc = nodeBuiltin<{ stderr: { write(s: string): unknown } }>("node:process");
  if (proc !== null) proc.stderr.write(text.endsWith("\n") ? text : text + "\n");
  else console.error(text);
}

/**
 * A WASI command: its bytes, or a compiled WebAssembly module (typed as `object` so that the
 * declarations need no WebAssembly lib).
 */
export type WasiModule = ArrayBuffer | ArrayBufferView | object;

/** Runs the WASI command `module` (its bytes, or a compiled module) on the running loop. */
export function runWasi(module: WasiModule, options: RunWasiOptions = {}): Future<number> {
  const loop = getRunningLoop();
  if (!(module instanceof WebAssembly.Module || module instanceof ArrayBuffer || ArrayBuffer.isView(module))) {
    throw new TypeError(
      `runWasi() needs a module's bytes (Uint8Array, ArrayBuffer) or a WebAssembly.Module, got ${describeValue(module)}`,
    );
  }
  checkOptions(options);
  const host = loop.host;
  if (!isSocketHost(host)) throw new Error(`runWasi() needs a loop on a socket host (Node or Deno), not ${host.name}`);
  const wt = nodeBuiltin<{ Worker: new (url: URL) => WorkerLike }>("node:worker_threads");
  if (wt === null) throw new Error("runWasi() needs worker threads (Node ≥ 20.16 or Deno 2)");
  const fut = loop.createFuture<number>();
  const compiled =
    module instanceof WebAssembly.Module
      ? Promise.resolve(module)
      : WebAssembly.compile(module as Uint8Array<ArrayBuffer>);
  compiled.then(
    (mod) => {
      if (!fut.done()) start(loop, host as SocketHost, wt.Worker, mod, module, options, fut);
    },
    (err) => {
      if (!fut.done()) fut.setException(new Error(`not a WebAssembly module: ${(err as Error).message}`));
    },
  );
  return fut;
}

function start(
  loop: EventLoop,
  host: SocketHost,
  Worker: new (url: URL) => WorkerLike,
  mod: WebAssembly.Module,
  source: WasiModule,
  options: RunWasiOptions,
  fut: Future<number>,
): void {
  try {
    checkModule(mod);
  } catch (err) {
    fut.setException(err);
    return;
  }
  let worker: WorkerLike | null = null;
  const session = new GuestSession(new SharedArrayBuffer(SHARED_BYTES), loop, host, (end: GuestEnd) => {
    if (worker !== null) void worker.terminate();
    worker = null;
    if (end.message !== undefined) (options.onMessage ?? writeStderr)(end.message);
    if (!fut.done()) fut.setResult(end.code);
  });
  fut.addDoneCallback(() => session.end({ code: 1 })); // cancelled: stop the worker, close the fds
  const specs = options.tcpListen ?? [];
  const listeners = specs.map((spec) => {
    const fd = host.listen(...parseHostPort(spec));
    session.own(fd);
    return fd;
  });
  const launch = (): void => {
    const bytes = source instanceof WebAssembly.Module ? null : copyBytes(source);
    const msg: GuestStart & { module: WebAssembly.Module | null } = {
      sab: session.sab,
      bytes: bytes ?? new Uint8Array(0),
      module: bytes === null ? mod : null,
      args: [options.programName ?? "main.wasm", ...(options.args ?? [])],
      env: { ...(options.env ?? {}) },
      listeners,
      dirs: options.dirs ?? [],
    };
    worker = new Worker(workerUrl());
    worker.on("error", (err: unknown) =>
      session.end({ code: 1, message: `wasio: the WASI worker failed: ${(err as Error)?.message ?? String(err)}` }),
    );
    worker.on("exit", () => session.workerExited());
    session.start();
    worker.postMessage(msg);
  };
  // The module starts once every listener is bound (a listener becomes writable then), or not
  // at all when one could not be.
  let unbound = listeners.length;
  const bound = (i: number): void => {
    loop.removeWriter(listeners[i]);
    const error = host.sockError(listeners[i]);
    if (error !== null) {
      for (const fd of listeners) loop.removeWriter(fd);
      if (!fut.done()) fut.setException(new Error(`cannot listen on ${specs[i]}: ${error}`));
    } else if (--unbound === 0 && !fut.done()) launch();
  };
  if (unbound === 0) launch();
  else {
    for (const [i, fd] of listeners.entries()) loop.addWriter(fd, bound, i);
    host.wakeup(); // this may run outside the loop's passes (after the compile)
  }
}

function copyBytes(source: WasiModule): Uint8Array {
  if (ArrayBuffer.isView(source))
    return new Uint8Array(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength) as ArrayBuffer);
  return new Uint8Array((source as ArrayBuffer).slice(0));
}
