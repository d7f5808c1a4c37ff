// Preopened host directories for a WASI guest (`--dir HOST::GUEST`), served in the guest's worker
// with node:fs's synchronous calls: they block only the worker, never the loop's thread. Paths
// are resolved under the preopen's host directory and may not leave it ("..", absolute paths and
// symbolic links pointing outside are refused with ENOTCAPABLE). Rights are not tracked: an
// opened file can be read and written as its host permissions allow.
//
// Limits: no symlink creation, no timestamps setting, no fd_renumber; readdir lists names with
// their types, cookies being indices.

import * as fs from "node:fs";
import * as nodePath from "node:path";
import {
  errnoFromCode,
  ERRNO_BADF,
  ERRNO_EXIST,
  ERRNO_INVAL,
  ERRNO_ISDIR,
  ERRNO_NAMETOOLONG,
  ERRNO_NOENT,
  ERRNO_NOTCAPABLE,
  ERRNO_NOTDIR,
} from "../../hosts/errno.js";

export interface FileEntry {
  kind: "file" | "dir";
  /** The host path of this file or directory. */
  hostPath: string;
  /** The preopen's host directory: nothing under this fd may resolve outside it. */
  root: string;
  /** Host fd of an open file (-1 for a directory). */
  hostFd: number;
  pos: number;
  /** The guest's name of a preopened directory, or null. */
  preopen: string | null;
  /** Always false: files and directories never block (read by the worker for every fd). */
  nonblock: boolean;
  /** WASI fdflags as the guest set them (FDFLAG_APPEND: every write goes to the end). */
  fdFlags: number;
}

const FILETYPE_DIR = 3,
  FILETYPE_REGULAR = 4,
  FILETYPE_SYMLINK = 7,
  FILETYPE_UNKNOWN = 0;
const O_CREAT = 1,
  O_DIRECTORY = 2,
  O_EXCL = 4,
  O_TRUNC = 8;
const FDFLAG_APPEND = 1;
const RIGHT_FD_WRITE = 1n << 6n;
const ALL_RIGHTS = 0x1fffffffn;

function errnoOf(err: unknown): number {
  return errnoFromCode((err as { code?: string }).code);
}

function filetype(st: fs.Stats): number {
  return st.isDirectory()
    ? FILETYPE_DIR
    : st.isFile()
      ? FILETYPE_REGULAR
      : st.isSymbolicLink()
        ? FILETYPE_SYMLINK
        : FILETYPE_UNKNOWN;
}

export class GuestFiles {
  constructor(
    private readonly fds: (FileEntry | { kind: string } | undefined)[],
    private readonly view: () => DataView,
  ) {}

  private mem(): Uint8Array {
    const v = this.view();
    return new Uint8Array(v.buffer);
  }

  preopen(hostPath: string, guestPath: string): void {
    const root = nodePath.resolve(hostPath);
    if (!fs.statSync(root).isDirectory()) throw new Error(`--dir ${hostPath}: not a directory`);
    this.fds.push({
      kind: "dir",
      hostPath: root,
      root,
      hostFd: -1,
      pos: 0,
      preopen: guestPath,
      nonblock: false,
      fdFlags: 0,
    });
  }

  private entry(fd: number): FileEntry | undefined {
    const e = this.fds[fd];
    return e !== undefined && (e.kind === "file" || e.kind === "dir") ? (e as FileEntry) : undefined;
  }

  private newFd(e: FileEntry): number {
    let fd = 3;
    while (this.fds[fd] !== undefined) fd++;
    this.fds[fd] = e;
    return fd;
  }

  /** The host path of `path` under directory fd `dirfd`, or an errno. */
  private resolve(dirfd: number, ptr: number, len: number): { dir: FileEntry; path: string } | number {
    const dir = this.entry(dirfd);
    if (dir === undefined) return ERRNO_BADF;
    if (dir.kind !== "dir") return ERRNO_NOTDIR;
    const rel = new TextDecoder().decode(this.mem().subarray(ptr, ptr + len));
    if (rel.startsWith("/")) return ERRNO_NOTCAPABLE;
    const path = nodePath.resolve(dir.hostPath, rel);
    if (path !== dir.root && !path.startsWith(dir.root + nodePath.sep)) return ERRNO_NOTCAPABLE;
    try {
      const real = fs.realpathSync(path);
      if (real !== dir.root && !real.startsWith(fs.realpathSync(dir.root) + nodePath.sep)) return ERRNO_NOTCAPABLE;
    } catch {
      /* not there yet: created under a checked parent */
    }
    return { dir, path };
  }

  prestat(fd: number, out: number): number {
    const e = this.entry(fd);
    if (e === undefined || e.preopen === null) return ERRNO_BADF;
    const v = this.view();
    v.setUint8(out, 0);
    v.setUint32(out + 4, new TextEncoder().encode(e.preopen).length, true);
    return 0;
  }

  prestatName(fd: number, ptr: number, len: number): number {
    const e = this.entry(fd);
    if (e === undefined || e.preopen === null) return ERRNO_BADF;
    const name = new TextEncoder().encode(e.preopen);
    if (len < name.length) return ERRNO_NAMETOOLONG;
    this.mem().set(name, ptr);
    return 0;
  }

  open(
    dirfd: number,
    _lookup: number,
    ptr: number,
    len: number,
    oflags: number,
    rights: bigint,
    _inh: bigint,
    fdflags: number,
    out: number,
  ): number {
    const r = this.resolve(dirfd, ptr, len);
    if (typeof r === "number") return r;
    try {
      let st: fs.Stats | null = null;
      try {
        st = fs.statSync(r.path);
      } catch (err) {
        if ((err as { code?: string }).code !== "ENOENT") throw err;
      }
      if (st !== null && oflags & O_CREAT && oflags & O_EXCL) return ERRNO_EXIST;
      if (st === null && !(oflags & O_CREAT)) return ERRNO_NOENT;
      if (oflags & O_DIRECTORY && (st === null || !st.isDirectory())) return ERRNO_NOTDIR;
      const isDir = st?.isDirectory() === true;
      let hostFd = -1; // a directory is read through its path
      if (isDir) {
        if (oflags & O_TRUNC || (rights & RIGHT_FD_WRITE && oflags & O_CREAT)) return ERRNO_ISDIR;
      } else {
        const write = (rights & RIGHT_FD_WRITE) !== 0n || (oflags & (O_CREAT | O_TRUNC)) !== 0;
        let flags = write ? fs.constants.O_RDWR : fs.constants.O_RDONLY;
        if (oflags & O_CREAT) flags |= fs.constants.O_CREAT;
        if (oflags & O_TRUNC) flags |= fs.constants.O_TRUNC;
        try {
          hostFd = fs.openSync(r.path, flags, 0o666);
        } catch (err) {
          if (!write || (err as { code?: string }).code !== "EACCES") throw err;
          hostFd = fs.openSync(r.path, fs.constants.O_RDONLY); // read-only file opened with every right
        }
      }
      const fd = this.newFd({
        kind: isDir ? "dir" : "file",
        hostPath: r.path,
        root: r.dir.root,
        hostFd,
        pos: 0,
        preopen: null,
        nonblock: false,
        fdFlags: fdflags,
      });
      this.view().setUint32(out, fd, true);
      return 0;
    } catch (err) {
      return errnoOf(err);
    }
  }

  read(e: FileEntry, vecs: [number, number][], out: number, at: number): number {
    if (e.kind === "dir") return ERRNO_ISDIR;
    const mem = this.mem();
    let total = 0,
      pos = at < 0 ? e.pos : at;
    try {
      for (const [ptr, len] of vecs) {
        const n = fs.readSync(e.hostFd, mem, ptr, len, pos);
        total += n;
        pos += n;
        if (n < len) break;
      }
    } catch (err) {
      return errnoOf(err);
    }
    if (at < 0) e.pos = pos;
    this.view().setUint32(out, total, true);
    return 0;
  }

  write(e: FileEntry, vecs: [number, number][], out: number, at: number): number {
    if (e.kind === "dir") return ERRNO_ISDIR;
    const mem = this.mem();
    let total = 0,
      pos = at >= 0 ? at : (e.fdFlags & FDFLAG_APPEND) !== 0 ? fs.fstatSync(e.hostFd).size : e.pos;
    try {
      for (const [ptr, len] of vecs) {
        const n = fs.writeSync(e.hostFd, mem, ptr, len, pos);
        total += n;
        pos += n;
      }
    } catch (err) {
      return errnoOf(err);
    }
    if (at < 0) e.pos = pos;
    this.view().setUint32(out, total, true);
    return 0;
  }

  close(e: FileEntry): number {
    if (e.hostFd >= 0)
      try {
        fs.closeSync(e.hostFd);
      } catch (err) {
        return errnoOf(err);
      }
    return 0;
  }

  seek(e: FileEntry, offset: bigint, whence: number, out: number): number {
    if (e.kind === "dir") return ERRNO_ISDIR;
    const base = whence === 0 ? 0 : whence === 1 ? e.pos : whence === 2 ? fs.fstatSync(e.hostFd).size : NaN;
    const pos = base + Number(offset);
    if (!(pos >= 0)) return ERRNO_INVAL;
    e.pos = pos;
    this.view().setBigUint64(out, BigInt(pos), true);
    return 0;
  }

  fdstat(e: FileEntry, out: number): number {
    const v = this.view();
    v.setUint8(out, e.kind === "dir" ? FILETYPE_DIR : FILETYPE_REGULAR);
    v.setUint16(out + 2, e.fdFlags, true);
    v.setBigUint64(out + 8, ALL_RIGHTS, true);
    v.setBigUint64(out + 16, ALL_RIGHTS, true);
    return 0;
  }

  setFlags(e: FileEntry, flags: number): number {
    e.fdFlags = flags;
    return 0;
  }

  private writeStat(st: fs.Stats, out: number): void {
    const v = this.view();
    v.setBigUint64(out, BigInt(st.dev), true);
    v.setBigUint64(out + 8, BigInt(st.ino), true);
    v.setBigUint64(out + 16, 0n, true);
    v.setUint8(out + 16, filetype(st));
    v.setBigUint64(out + 24, BigInt(st.nlink), true);
    v.setBigUint64(out + 32, BigInt(st.size), true);
    v.setBigUint64(out + 40, BigInt(Math.round(st.atimeMs * 1e3)) * 1000n, true);
    v.setBigUint64(out + 48, BigInt(Math.round(st.mtimeMs * 1e3)) * 1000n, true);
    v.setBigUint64(out + 56, BigInt(Math.round(st.ctimeMs * 1e3)) * 1000n, true);
  }

  filestat(e: FileEntry, out: number): number {
    try {
      this.writeStat(e.hostFd >= 0 ? fs.fstatSync(e.hostFd) : fs.statSync(e.hostPath), out);
    } catch (err) {
      return errnoOf(err);
    }
    return 0;
  }

  pathFilestat(dirfd: number, flags: number, ptr: number, len: number, out: number): number {
    const r = this.resolve(dirfd, ptr, len);
    if (typeof r === "number") return r;
    try {
      this.writeStat(flags & 1 ? fs.statSync(r.path) : fs.lstatSync(r.path), out);
    } catch (err) {
      return errnoOf(err);
    }
    return 0;
  }

  setSize(fd: number, size: bigint): number {
    const e = this.entry(fd);
    if (e === undefined) return ERRNO_BADF;
    if (e.kind === "dir") return ERRNO_ISDIR;
    try {
      fs.ftruncateSync(e.hostFd, Number(size));
    } catch (err) {
      return errnoOf(err);
    }
    return 0;
  }

  readdir(fd: number, buf: number, len: number, cookie: bigint, out: number): number {
    const e = this.entry(fd);
    if (e === undefined) return ERRNO_BADF;
    if (e.kind !== "dir") return ERRNO_NOTDIR;
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(e.hostPath, { withFileTypes: true });
    } catch (err) {
      return errnoOf(err);
    }
    const list: [string, number][] = [
      [".", FILETYPE_DIR],
      ["..", FILETYPE_DIR],
    ];
    for (const d of names)
      list.push([
        d.name,
        d.isDirectory()
          ? FILETYPE_DIR
          : d.isFile()
            ? FILETYPE_REGULAR
            : d.isSymbolicLink()
              ? FILETYPE_SYMLINK
              : FILETYPE_UNKNOWN,
      ]);
    const mem = this.mem(),
      v = this.view(),
      enc = new TextEncoder();
    let at = 0;
    for (let i = Number(cookie); i < list.length && at < len; i++) {
      const name = enc.encode(list[i][0]);
      const rec = new Uint8Array(24 + name.length);
      const rv = new DataView(rec.buffer);
      rv.setBigUint64(0, BigInt(i + 1), true);
      rv.setBigUint64(8, 0n, true);
      rv.setUint32(16, name.length, true);
      rv.setUint8(20, list[i][1]);
      rec.set(name, 24);
      const k = Math.min(rec.length, len - at);
      mem.set(rec.subarray(0, k), buf + at);
      at += k;
    }
    v.setUint32(out, at, true);
    return 0;
  }

  private pathOp(dirfd: number, ptr: number, len: number, op: (p: string) => void): number {
    const r = this.resolve(dirfd, ptr, len);
    if (typeof r === "number") return r;
    try {
      op(r.path);
    } catch (err) {
      return errnoOf(err);
    }
    return 0;
  }

  mkdir(dirfd: number, ptr: number, len: number): number {
    return this.pathOp(dirfd, ptr, len, (p) => fs.mkdirSync(p));
  }

  rmdir(dirfd: number, ptr: number, len: number): number {
    return this.pathOp(dirfd, ptr, len, (p) => fs.rmdirSync(p));
  }

  unlink(dirfd: number, ptr: number, len: number): number {
    return this.pathOp(dirfd, ptr, len, (p) => {
      if (fs.lstatSync(p).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      fs.unlinkSync(p);
    });
  }

  rename(fd: number, p: number, pl: number, nfd: number, np: number, npl: number): number {
    const to = this.resolve(nfd, np, npl);
    if (typeof to === "number") return to;
    return this.pathOp(fd, p, pl, (from) => fs.renameSync(from, to.path));
  }
}
