// The WASI preview1 errno values wasio uses (the one table: hosts, the core's face, streams, the WASI guest), and
// the names errors carry (`code`). Host sockets report failures as Node error codes ("ECONNREFUSED"); the data path speaks WASI
// numbers (sockRecv returns -15 for a reset connection), and `errnoName` turns them back into the
// POSIX name users see. Codes WASI has no number for (DNS failures such as "ENOTFOUND") travel as
// EIO with their own name kept beside them.

export const ERRNO_SUCCESS = 0;
export const ERRNO_ADDRINUSE = 3;
export const ERRNO_ADDRNOTAVAIL = 4;
export const ERRNO_AFNOSUPPORT = 5;
export const ERRNO_AGAIN = 6;
export const ERRNO_ALREADY = 7;
export const ERRNO_BADF = 8;
export const ERRNO_CANCELED = 11;
export const ERRNO_CONNABORTED = 13;
export const ERRNO_CONNREFUSED = 14;
export const ERRNO_CONNRESET = 15;
export const ERRNO_DEADLK = 16;
export const ERRNO_HOSTUNREACH = 23;
export const ERRNO_INPROGRESS = 26;
export const ERRNO_INVAL = 28;
export const ERRNO_IO = 29;
export const ERRNO_ISCONN = 30;
export const ERRNO_MFILE = 33;
export const ERRNO_NETDOWN = 38;
export const ERRNO_NETRESET = 39;
export const ERRNO_NETUNREACH = 40;
export const ERRNO_NFILE = 41;
export const ERRNO_NOBUFS = 42;
export const ERRNO_NOENT = 44;
export const ERRNO_NOMEM = 48;
export const ERRNO_NOSYS = 52;
export const ERRNO_NOTCONN = 53;
export const ERRNO_NOTSOCK = 57;
export const ERRNO_NOTSUP = 58;
export const ERRNO_PERM = 63;
export const ERRNO_PIPE = 64;
export const ERRNO_ACCES = 2;
export const ERRNO_TIMEDOUT = 73;
/** The largest WASI preview1 errno (ENOTCAPABLE). */
export const ERRNO_MAX = 76;
// File system errnos (a WASI guest's preopened directories).
export const ERRNO_EXIST = 20;
export const ERRNO_ISDIR = 31;
export const ERRNO_LOOP = 32;
export const ERRNO_NAMETOOLONG = 37;
export const ERRNO_NOTDIR = 54;
export const ERRNO_NOTEMPTY = 55;
export const ERRNO_SPIPE = 70;
export const ERRNO_NOTCAPABLE = 76;

/** WASI errno number → POSIX name, for the errno values above. */
const NAMES: Record<number, string> = {
  [ERRNO_SUCCESS]: "SUCCESS",
  [ERRNO_ACCES]: "EACCES",
  [ERRNO_ADDRINUSE]: "EADDRINUSE",
  [ERRNO_ADDRNOTAVAIL]: "EADDRNOTAVAIL",
  [ERRNO_AFNOSUPPORT]: "EAFNOSUPPORT",
  [ERRNO_AGAIN]: "EAGAIN",
  [ERRNO_ALREADY]: "EALREADY",
  [ERRNO_BADF]: "EBADF",
  [ERRNO_CANCELED]: "ECANCELED",
  [ERRNO_CONNABORTED]: "ECONNABORTED",
  [ERRNO_CONNREFUSED]: "ECONNREFUSED",
  [ERRNO_CONNRESET]: "ECONNRESET",
  [ERRNO_DEADLK]: "EDEADLK",
  [ERRNO_HOSTUNREACH]: "EHOSTUNREACH",
  [ERRNO_INPROGRESS]: "EINPROGRESS",
  [ERRNO_INVAL]: "EINVAL",
  [ERRNO_IO]: "EIO",
  [ERRNO_ISCONN]: "EISCONN",
  [ERRNO_MFILE]: "EMFILE",
  [ERRNO_NETDOWN]: "ENETDOWN",
  [ERRNO_NETRESET]: "ENETRESET",
  [ERRNO_NETUNREACH]: "ENETUNREACH",
  [ERRNO_NFILE]: "ENFILE",
  [ERRNO_NOBUFS]: "ENOBUFS",
  [ERRNO_NOENT]: "ENOENT",
  [ERRNO_NOMEM]: "ENOMEM",
  [ERRNO_NOSYS]: "ENOSYS",
  [ERRNO_NOTCONN]: "ENOTCONN",
  [ERRNO_NOTSOCK]: "ENOTSOCK",
  [ERRNO_NOTSUP]: "ENOTSUP",
  [ERRNO_PERM]: "EPERM",
  [ERRNO_PIPE]: "EPIPE",
  [ERRNO_TIMEDOUT]: "ETIMEDOUT",
  [ERRNO_EXIST]: "EEXIST",
  [ERRNO_ISDIR]: "EISDIR",
  [ERRNO_LOOP]: "ELOOP",
  [ERRNO_NAMETOOLONG]: "ENAMETOOLONG",
  [ERRNO_NOTDIR]: "ENOTDIR",
  [ERRNO_NOTEMPTY]: "ENOTEMPTY",
  [ERRNO_SPIPE]: "ESPIPE",
  [ERRNO_NOTCAPABLE]: "ENOTCAPABLE",
};

const NUMBERS: Record<string, number> = {};
for (const [n, name] of Object.entries(NAMES)) NUMBERS[name] = Number(n);
NUMBERS.EWOULDBLOCK = ERRNO_AGAIN;
NUMBERS.EOPNOTSUPP = ERRNO_NOTSUP;
NUMBERS.ERR_SOCKET_CLOSED = ERRNO_BADF;
NUMBERS.ERR_STREAM_DESTROYED = ERRNO_PIPE;
NUMBERS.ERR_STREAM_WRITE_AFTER_END = ERRNO_PIPE;
NUMBERS.ERR_SOCKET_CONNECTION_TIMEOUT = ERRNO_TIMEDOUT;

/** The POSIX name of a WASI errno ("ECONNRESET" for 15); "E<n>" for one without a name here. */
export function errnoName(errno: number): string {
  return NAMES[errno] ?? `E${errno}`;
}

/** The WASI errno for a Node error code; EIO for codes WASI has no number for. */
export function errnoFromCode(code: string | undefined): number {
  if (code === undefined) return ERRNO_IO;
  return NUMBERS[code] ?? ERRNO_IO;
}

/** The WASI errno and the name to report for a host error (a Node system error or anything thrown). */
export function describeHostError(err: unknown): { errno: number; code: string } {
  const code = typeof (err as { code?: unknown })?.code === "string" ? (err as { code: string }).code : undefined;
  const errno = errnoFromCode(code);
  // Keep the host's own name where WASI has no number for it (ENOTFOUND, EAI_AGAIN…).
  return { errno, code: errno === ERRNO_IO && code !== undefined && code !== "EIO" ? code : errnoName(errno) };
}
