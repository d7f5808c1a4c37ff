import { test } from "uvu";
import * as assert from "uvu/assert";
import { reviveThrown } from "../../src/io/executor/worker-errors.js";
import { permissionError, checkNetPermission } from "../../src/io/permission-error.js";
import { deniedNet } from "../../src/hosts/deno-permissions.js";

const thrown = (name: string, message: string, props: Record<string, unknown> = {}) =>
  reviveThrown({ kind: "error", name, message, stack: undefined, props }) as Error & { code?: string; errno?: number };

test("a job's NotCapable error comes back with code EACCES and its own message", () => {
  const e = thrown("NotCapable", 'Requires sys access to "cpus", run again with the --allow-sys flag');
  assert.is(e.name, "NotCapable");
  assert.is(e.code, "EACCES");
  assert.is(e.errno, 2);
  assert.match(e.message, "--allow-sys");
});

test("a job module import refused for want of --allow-read gets EACCES instead of ERR_MODULE_NOT_FOUND", () => {
  const e = thrown("TypeError", 'Requires read access to "/srv/job.mjs", run again with the --allow-read flag', {
    code: "ERR_MODULE_NOT_FOUND",
  });
  assert.instance(e, TypeError);
  assert.is(e.code, "EACCES");
});

test("other job errors keep their own code", () => {
  assert.is(thrown("Error", "ENOENT: no such file", { code: "ENOENT" }).code, "ENOENT");
  assert.is(thrown("TypeError", "Requires a number").code, undefined);
});

test("a permission error carries code, errno, syscall and the flag in its message", () => {
  const e = permissionError("listen", "127.0.0.1:0", "--allow-net=127.0.0.1");
  assert.equal([e.code, e.errno, e.syscall, e.flag], ["EACCES", 2, "listen", "--allow-net=127.0.0.1"]);
  assert.is(
    e.message,
    "listen EACCES 127.0.0.1:0: Deno denies net access; run with --allow-net=127.0.0.1 (or --allow-net)",
  );
});

test("with net access granted (Node, or Deno run with -A) the checks pass", () => {
  assert.is(deniedNet("127.0.0.1:0"), null);
  checkNetPermission("connect", "[::1]:80");
});

test.run();
