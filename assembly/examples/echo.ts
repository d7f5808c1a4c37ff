// echo: a TCP echo server, a WASI command on wasio's loop. It serves the listening socket the
// runtime preopens as fd 3 (`wasmtime run -S tcplisten=127.0.0.1:PORT`), prints `listening`,
// echoes every byte of every connection (many at once, all non-blocking), and after N
// connections have closed (N = its first argument, default 1) prints `done N` and exits 0.
//
// A connection is read only while it has nothing left to send: when a send does not take all of
// it, the rest is kept and the connection waits for writability instead of readability.

import { addReader, addWriter, removeReader, removeWriter, run } from "../loop";
import { accept, args, close, exit, print, recv, send, setNonblocking } from "../wasi";

const LISTENER = 3;
const CHUNK = 65536;
const EAGAIN = -6;

const chunk = memory.data(CHUNK);

/** The bytes a connection still has to send. */
class Pending {
  constructor(public bytes: StaticArray<u8>, public at: i32) {}
}

const pending = new Array<Pending | null>(); // by fd
let target = 1;
let closed = 0;
let acceptsPerWake = 1;

function closeConnection(fd: i32): void {
  removeReader(fd);
  removeWriter(fd);
  if (fd < pending.length) pending[fd] = null;
  close(fd);
  closed++;
  if (closed >= target) {
    print(1, "done " + closed.toString() + "\n");
    exit(0);
  }
}

/** Sends what `fd` still has pending; true when all of it went. */
function flush(fd: i32, p: Pending): bool {
  const base = changetype<usize>(p.bytes);
  const len = p.bytes.length;
  while (p.at < len) {
    const n = send(fd, base + <usize>p.at, len - p.at);
    if (n == EAGAIN) return false;
    if (n < 0) { closeConnection(fd); return false; }
    p.at += n;
  }
  return true;
}

function onWritable(fd: i32, error: i32, data: usize): void {
  if (error != 0) { closeConnection(fd); return; }
  const p = pending[fd];
  if (p === null) return;
  if (flush(fd, p)) {
    pending[fd] = null;
    removeWriter(fd);
    addReader(fd, onReadable);
  }
}

function onReadable(fd: i32, error: i32, data: usize): void {
  if (error != 0) { closeConnection(fd); return; }
  const n = recv(fd, chunk, CHUNK);
  if (n == EAGAIN) return;
  if (n <= 0) { closeConnection(fd); return; }
  let at = 0;
  while (at < n) {
    const sent = send(fd, chunk + <usize>at, n - at);
    if (sent == EAGAIN) break;
    if (sent < 0) { closeConnection(fd); return; }
    at += sent;
  }
  if (at == n) return;
  const rest = new StaticArray<u8>(n - at);
  memory.copy(changetype<usize>(rest), chunk + <usize>at, <usize>(n - at));
  while (pending.length <= fd) pending.push(null);
  pending[fd] = new Pending(rest, 0);
  removeReader(fd);
  addWriter(fd, onWritable);
}

function onListener(fd: i32, error: i32, data: usize): void {
  if (error != 0) {
    print(2, "echo: listener fd 3: WASI errno " + error.toString() + "\n");
    exit(1);
    return;
  }
  for (let i = 0; i < acceptsPerWake; i++) {
    const conn = accept(fd);
    if (conn < 0) {
      if (conn != EAGAIN) print(2, "echo: accept: WASI errno " + (-conn).toString() + "\n");
      return;
    }
    addReader(conn, onReadable);
  }
}

const argv = args();
if (argv.length > 1) {
  const n = I32.parseInt(argv[1]);
  if (n > 0) target = n;
}
// A non-blocking listener is drained up to 64 accepts per wake-up; if the runtime refuses the
// flag, one accept per wake-up never blocks (readiness is level-triggered: the next comes soon).
acceptsPerWake = setNonblocking(LISTENER) == 0 ? 64 : 1;
addReader(LISTENER, onListener);
print(1, "listening\n");
exit(run());
