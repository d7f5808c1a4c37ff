// What makes a module a WASI command runWasi can run: it exports a `_start` function and a
// memory, and imports nothing but wasi_snapshot_preview1 functions. Anything else is refused
// before a worker starts, with a message that names the culprit.

const PREVIEW1 = new Set([
  "args_get",
  "args_sizes_get",
  "environ_get",
  "environ_sizes_get",
  "clock_res_get",
  "clock_time_get",
  "fd_advise",
  "fd_allocate",
  "fd_close",
  "fd_datasync",
  "fd_fdstat_get",
  "fd_fdstat_set_flags",
  "fd_fdstat_set_rights",
  "fd_filestat_get",
  "fd_filestat_set_size",
  "fd_filestat_set_times",
  "fd_pread",
  "fd_prestat_get",
  "fd_prestat_dir_name",
  "fd_pwrite",
  "fd_read",
  "fd_readdir",
  "fd_renumber",
  "fd_seek",
  "fd_sync",
  "fd_tell",
  "fd_write",
  "path_create_directory",
  "path_filestat_get",
  "path_filestat_set_times",
  "path_link",
  "path_open",
  "path_readlink",
  "path_remove_directory",
  "path_rename",
  "path_symlink",
  "path_unlink_file",
  "poll_oneoff",
  "proc_exit",
  "proc_raise",
  "sched_yield",
  "random_get",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
]);

/** Throws an Error naming what makes `mod` something runWasi cannot run. */
export function checkModule(mod: WebAssembly.Module): void {
  for (const imp of WebAssembly.Module.imports(mod)) {
    if (imp.module !== "wasi_snapshot_preview1" || imp.kind !== "function" || !PREVIEW1.has(imp.name)) {
      throw new Error(
        `unknown import: ${imp.module}.${imp.name} (${imp.kind}); a WASI command may import only wasi_snapshot_preview1 functions`,
      );
    }
  }
  const exports = WebAssembly.Module.exports(mod);
  if (!exports.some((e) => e.name === "_start" && e.kind === "function")) {
    throw new Error("the module exports no _start function: it is not a WASI command (a reactor or a library?)");
  }
  if (!exports.some((e) => e.name === "memory" && e.kind === "memory")) throw new Error("the module exports no memory");
}
