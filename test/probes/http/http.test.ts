import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENSSL, selfSignedCert } from "../../helpers/tls-cert.js";
import { httpConfigSchema, httpProbe, jsonAt } from "../../../src/probes/http/index.js";
import { ctx, fakeClock, testDeps } from "../ctx.js";

let server: http.Server;
let base = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/tts") return res.writeHead(200, { "content-type": "audio/wav" }).end(Buffer.alloc(4096, 1));
    if (req.url === "/tts-empty") return res.writeHead(200, { "content-type": "audio/wav" }).end();
    if (req.url === "/json")
      return res
        .writeHead(200, { "content-type": "application/json; charset=utf-8" })
        .end(JSON.stringify({ data: [{ status: "ok", n: 2 }], queue: { size: 0 } }));
    if (req.url === "/html") return res.writeHead(200, { "content-type": "text/html" }).end("<h1>Bad Gateway</h1>");
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const run = (over: Record<string, unknown>, deps = testDeps()) =>
  httpProbe.run(httpConfigSchema.parse({ type: "http", ...over }), ctx(undefined, deps));

describe("jsonAt", () => {
  it("follows dotted paths through objects and arrays", () => {
    const v = { data: [{ status: "ok" }], a: { b: null } };
    expect(jsonAt(v, "data.0.status")).toEqual({ found: true, value: "ok" });
    expect(jsonAt(v, "a.b")).toEqual({ found: true, value: null });
    expect(jsonAt(v, "data.1.status")).toEqual({ found: false });
    expect(jsonAt(v, "a.b.c")).toEqual({ found: false });
  });
});

describe("http probe: inference expectations", () => {
  it("content_type and min_bytes pass on real audio", async () => {
    const out = await run({ url: `${base}/tts`, expect: { content_type: "audio/wav", min_bytes: "1KiB" } });
    expect(out.status).toBe("ok");
    expect((await run({ url: `${base}/tts`, expect: { content_type: "audio/" } })).status).toBe("ok");
  });

  it("a TTS endpoint returning 0-byte audio is critical", async () => {
    const out = await run({ url: `${base}/tts-empty`, expect: { min_bytes: 1 } });
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/body is 0 bytes, expected at least 1$/);
  });

  it("the wrong content type is critical (an HTML error page instead of audio)", async () => {
    const out = await run({ url: `${base}/html`, expect: { content_type: "audio/wav" } });
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/content type is "text\/html", expected "audio\/wav"$/);
  });

  it("json_path: equals, exists, missing, different", async () => {
    expect(
      (
        await run({
          url: `${base}/json`,
          expect: { json_path: [{ path: "data.0.status", equals: "ok" }, { path: "queue.size" }] },
        })
      ).status,
    ).toBe("ok");
    const diff = await run({ url: `${base}/json`, expect: { json_path: [{ path: "data.0.n", equals: 3 }] } });
    expect(diff.summary).toMatch(/JSON data\.0\.n is 2, expected 3$/);
    const missing = await run({
      url: `${base}/json`,
      expect: { json_path: [{ path: "data.1.status", equals: "ok" }] },
    });
    expect(missing.summary).toMatch(/JSON has no data\.1\.status$/);
    expect((await run({ url: `${base}/html`, expect: { json_path: [{ path: "a" }] } })).summary).toMatch(
      /body is not JSON$/,
    );
  });
});

describe.skipIf(!OPENSSL)("http probe: cert_expiry with a self-signed certificate made by openssl", () => {
  let dir: string;
  let tls: https.Server;
  let url = "";
  let notAfter = 0;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-tls-"));
    const { key, cert } = selfSignedCert(dir);
    notAfter = Date.parse(
      execFileSync(OPENSSL!, ["x509", "-enddate", "-noout", "-in", cert], { encoding: "utf8" })
        .trim()
        .replace(/^notAfter=/, ""),
    );
    tls = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) => res.end("ok"));
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(tls.address() as net.AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => tls.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  // The clock is set relative to the certificate's own notAfter: no dependence on the wall clock.
  const at = (ms: number) => testDeps(fakeClock(notAfter - ms));

  it("warns when the certificate expires within cert_expiry", async () => {
    const out = await run({ url, insecure: true, expect: { cert_expiry: "7d" } }, at(3 * 86_400_000));
    expect(out.status).toBe("warning");
    expect(out.summary).toMatch(/TLS certificate expires in 3d \(\d{4}-\d\d-\d\d\)$/);
  });

  it("is ok when the certificate lasts longer than cert_expiry", async () => {
    const out = await run({ url, insecure: true, expect: { cert_expiry: "1d" } }, at(3 * 86_400_000));
    expect(out.status).toBe("ok");
    expect(out.metrics!.cert_expires_in_s).toBe(3 * 86_400);
  });

  it("is critical once expired", async () => {
    const out = await run({ url, insecure: true, expect: { cert_expiry: "1d" } }, at(-3_600_000));
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/TLS certificate has expired/);
  });

  it("without insecure, the self-signed certificate fails verification", async () => {
    const out = await run({ url, expect: { cert_expiry: "1d" } });
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/TLS verification failed/);
  });
});
