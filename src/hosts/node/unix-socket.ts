// Unix domain stream sockets as fds of a socket host: the same TcpSocket and TcpListener
// resources as TCP (Node's net module speaks both), made with a path instead of an address.
//
// Rules (asyncio 3.13's): a listener replaces a socket file already at its path (a stale one left
// by a crashed server, or a live one); any other kind of file there fails the bind with
// EADDRINUSE. Closing the listener removes its socket file only when `cleanup` is set and the file
// is still the one it bound (same inode): one replaced since, or any file when `cleanup` is off,
// stays. libuv unlinks the path on close whatever is there, so a file to keep is hard-linked aside
// first and renamed back once the path is gone (if something else appears at the path in between,
// the kept file replaces it). A path longer than the platform's sun_path allows is refused here
// with ENAMETOOLONG, since libuv may silently truncate it. Connections cannot be reset (abort()
// closes them plainly). Addresses as Linux gives them: the path on the listener and on both sides
// of a connection where it is bound, "" for a connecting client's own unnamed end.

import type * as Fs from "node:fs";
import type * as Net from "node:net";
import { requireBuiltin } from "./node-modules.js";
import { checkPermission } from "../deno-permissions.js";
import type { SocketHost } from "./socket-host.js";
import { TcpListener } from "./tcp-listener.js";
import { TcpSocket } from "./tcp-socket.js";

/** The longest path, in bytes, a Unix socket address holds (sun_path minus its NUL; Linux: 108). */
export const UNIX_PATH_MAX = 107;

/** Why `path` cannot name a Unix socket, or null: a non-empty string of at most UNIX_PATH_MAX bytes. */
export function unixPathProblem(path: unknown): { code: string; message: string } | null {
  if (typeof path !== "string")
    return { code: "EINVAL", message: `a Unix socket path must be a string, got ${typeof path}` };
  if (path === "") return { code: "EINVAL", message: "a Unix socket path must not be empty" };
  if (path.includes("\0")) return { code: "EINVAL", message: "a Unix socket path must not contain NUL" };
  const bytes = new TextEncoder().encode(path).length;
  if (bytes > UNIX_PATH_MAX)
    return {
      code: "ENAMETOOLONG",
      message: `the Unix socket path is ${bytes} bytes long; at most ${UNIX_PATH_MAX} fit in a socket address`,
    };
  return null;
}

/** Starts connecting to the Unix socket at `path`; the fd becomes writable when connected. */
export function connectUnix(host: SocketHost, path: string): number {
  checkPathPermissions(path, "connect");
  const socket = requireBuiltin<typeof Net>("node:net", "Unix sockets").connect({
    path,
    allowHalfOpen: true,
  } as Net.NetConnectOpts);
  const sock = new TcpSocket(socket, true, host);
  sock.readShared();
  sock.resettable = false;
  sock.nameUnix("", path);
  host._track(sock);
  return host.fds.open(sock);
}

/**
 * Starts listening at `path` (removing a socket file already there); the fd becomes writable
 * once bound. `cleanup`: remove the socket file on close if it is still this listener's.
 */
export function listenUnix(host: SocketHost, path: string, backlog: number, cleanup = true): number {
  const fs = requireBuiltin<typeof Fs>("node:fs", "Unix sockets");
  checkPathPermissions(path, "listen");
  try {
    if (fs.lstatSync(path).isSocket()) fs.unlinkSync(path);
  } catch {
    // nothing there (or not ours to look at): the bind says what is wrong
  }
  const server = requireBuiltin<typeof Net>("node:net", "Unix sockets").createServer({
    allowHalfOpen: true,
  } as Net.ServerOpts);
  const listener = new UnixListener(server, host, fs, path, cleanup);
  server.listen({ path, backlog });
  return host.fds.open(listener);
}

/** Deno needs read and write access to a Unix socket's path. */
function checkPathPermissions(path: string, what: string): void {
  checkPermission({ name: "read", path }, what);
  checkPermission({ name: "write", path }, what);
}

/** A short note on what is at `path` when a bind there failed with EADDRINUSE, or "". */
export function describeUnixPath(path: string): string {
  const fs = requireBuiltin<typeof Fs>("node:fs", "Unix sockets");
  try {
    const st = fs.lstatSync(path);
    if (st.isSocket()) return "";
    return st.isDirectory()
      ? " (a directory exists at this path)"
      : " (a file that is not a socket exists at this path)";
  } catch {
    return "";
  }
}

/** A Unix socket listener that leaves a socket file it should not remove where it is. */
class UnixListener extends TcpListener {
  private ino: number | null = null;
  private static kept = 0;

  constructor(
    server: Net.Server,
    host: SocketHost,
    private readonly fs: typeof Fs,
    private readonly path: string,
    private readonly cleanup: boolean,
  ) {
    super(server, host);
    this.pipe = true;
    server.on("listening", () => {
      this.ino = this.inode();
    });
  }

  override close(): void {
    if (this.closed) return;
    const restore = this.server.listening ? this.setAside() : null;
    super.close();
    // libuv unlinks the path within close(); a runtime that does it later has done so by "close".
    if (restore !== null) this.inode() === null ? restore() : this.server.once("close", restore);
  }

  private inode(): number | null {
    try {
      return this.fs.lstatSync(this.path).ino;
    } catch {
      return null;
    }
  }

  /**
   * Before the listener closes: hard-links the file at the path aside unless it is ours to
   * remove; returns what puts it back, or null.
   */
  private setAside(): (() => void) | null {
    const ino = this.inode();
    if (ino === null || (this.cleanup && ino === this.ino)) return null;
    const fs = this.fs;
    const aside = `${this.path}.wasio-keep-${UnixListener.kept++}`;
    try {
      fs.linkSync(this.path, aside);
    } catch {
      return null; // no link here (permissions, filesystem): the file goes with the listener
    }
    return () => {
      try {
        if (this.inode() === null) fs.renameSync(aside, this.path);
        else fs.unlinkSync(aside); // not removed after all
      } catch {
        // the directory went away: nothing to restore
      }
    };
  }
}
