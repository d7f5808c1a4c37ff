// Test certificates made at test time with `openssl` (not a suite): a CA, a server certificate
// for localhost / 127.0.0.1 signed by it, one that expired in 2020, and a self-signed one no
// one trusts. EC P-256 keys, so making them takes milliseconds.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCerts {
  ca: string;
  key: string;
  cert: string;
  expiredKey: string;
  expiredCert: string;
  selfKey: string;
  selfCert: string;
  /** A client certificate (CN "wasio client") signed by the CA. */
  clientKey: string;
  clientCert: string;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Makes the certificates in a temporary folder, reads them, removes the folder. */
export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "wasio-certs-"));
  const f = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    ssl("req", "-x509", ...EC, "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", "/CN=wasio test CA");
    writeFileSync(f("ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    ssl("req", ...EC, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=localhost");
    ssl(
      "x509",
      "-req",
      "-in",
      f("server.csr"),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-set_serial",
      "2",
      "-out",
      f("server.pem"),
      "-days",
      "2",
      "-extfile",
      f("ext"),
    );
    ssl("req", ...EC, "-keyout", f("client.key"), "-out", f("client.csr"), "-subj", "/CN=wasio client");
    ssl(
      "x509",
      "-req",
      "-in",
      f("client.csr"),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-set_serial",
      "9",
      "-out",
      f("client.pem"),
      "-days",
      "2",
    );
    // An expired certificate: `openssl ca` takes explicit dates.
    writeFileSync(f("index.txt"), "");
    writeFileSync(
      f("ca.cnf"),
      [
        "[ca]",
        "default_ca = test",
        "[test]",
        `dir = ${dir}`,
        "database = $dir/index.txt",
        "new_certs_dir = $dir",
        "serial = $dir/serial",
        "default_md = sha256",
        "policy = any",
        "copy_extensions = copy",
        "unique_subject = no",
        "[any]",
        "commonName = supplied",
        "",
      ].join("\n"),
    );
    writeFileSync(f("serial"), "03\n");
    ssl(
      "req",
      ...EC,
      "-keyout",
      f("expired.key"),
      "-out",
      f("expired.csr"),
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    );
    ssl(
      "ca",
      "-batch",
      "-config",
      f("ca.cnf"),
      "-cert",
      f("ca.pem"),
      "-keyfile",
      f("ca.key"),
      "-in",
      f("expired.csr"),
      "-out",
      f("expired.pem"),
      "-startdate",
      "20200101000000Z",
      "-enddate",
      "20200102000000Z",
      "-notext",
    );
    ssl(
      "req",
      "-x509",
      ...EC,
      "-keyout",
      f("self.key"),
      "-out",
      f("self.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    );
    const r = (name: string) => readFileSync(f(name), "utf8");
    return {
      ca: r("ca.pem"),
      key: r("server.key"),
      cert: r("server.pem"),
      expiredKey: r("expired.key"),
      expiredCert: r("expired.pem"),
      selfKey: r("self.key"),
      selfCert: r("self.pem"),
      clientKey: r("client.key"),
      clientCert: r("client.pem"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
