import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** OPENSSL is the openssl binary, when installed (.ci/run installs it). */
export const OPENSSL = ["/usr/bin/openssl", "/bin/openssl"].find((p) => fs.existsSync(p));

/** TlsCert is a key and a self-signed certificate for 127.0.0.1 (PEM files; `cert` is also the CA to trust). */
export type TlsCert = { key: string; cert: string; keyPem: Buffer; certPem: Buffer };

/**
 * makeCert makes a self-signed certificate for 127.0.0.1 valid from START to END (openssl's YYYYMMDDHHMMSSZ form),
 * through `openssl ca`, which can date a certificate in the future or the past.
 */
export function makeCert(dir: string, start: string, end: string): TlsCert {
  const at = fs.mkdtempSync(path.join(dir, "ca-"));
  const p = (f: string) => path.join(at, f);
  fs.writeFileSync(p("index.txt"), "");
  fs.writeFileSync(p("serial"), "01\n");
  fs.writeFileSync(
    p("ca.cnf"),
    `[ca]\ndefault_ca = d\n[d]\ndatabase = ${p("index.txt")}\nserial = ${p("serial")}\nnew_certs_dir = ${at}\n` +
      `default_md = sha256\npolicy = p\ncopy_extensions = copy\n[p]\ncommonName = supplied\n`,
  );
  const run = (args: string[]) => execFileSync(OPENSSL!, args, { stdio: "ignore" });
  run([
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    p("key.pem"),
    "-out",
    p("csr.pem"),
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
  ]);
  run([
    "ca",
    "-batch",
    "-config",
    p("ca.cnf"),
    "-selfsign",
    "-keyfile",
    p("key.pem"),
    "-in",
    p("csr.pem"),
    "-startdate",
    start,
    "-enddate",
    end,
    "-notext",
    "-out",
    p("cert.pem"),
  ]);
  return {
    key: p("key.pem"),
    cert: p("cert.pem"),
    keyPem: fs.readFileSync(p("key.pem")),
    certPem: fs.readFileSync(p("cert.pem")),
  };
}

/** selfSignedCert writes key.pem and a self-signed cert.pem for 127.0.0.1, valid two days, into `dir`. */
export function selfSignedCert(dir: string): { key: string; cert: string } {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync(
    OPENSSL!,
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { key, cert };
}
