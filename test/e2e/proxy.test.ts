import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENSSL, selfSignedCert } from "../helpers/tls-cert.js";
import { startProxy, type TestProxy } from "../helpers/proxy.js";
import { startWebhook, type VendorServer } from "../helpers/vendors/index.js";
import { cli, CRON_ENV, cronCommand, downConfig, runAsCron, tmpDir } from "./field-helpers.js";

// Many GPU boxes reach DingTalk or Aliyun only through a proxy: HTTP_PROXY, HTTPS_PROXY and NO_PROXY (either case)
// are honoured as curl does, for channels and for checks (unless a check says `proxy: false`).
const PROXY_PASS = "pr0xy-Secret-77";
let dir: string;
let proxy: TestProxy;
let hook: VendorServer;
let model: http.Server;
let tls: https.Server | undefined;
let tlsHits = 0;
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;
beforeAll(async () => {
  dir = tmpDir();
  proxy = await startProxy({ auth: `pxuser:${PROXY_PASS}` });
  hook = await startWebhook();
  model = http.createServer((_q, r) => r.end("ok"));
  await new Promise<void>((r) => model.listen(0, "127.0.0.1", r));
  if (OPENSSL) {
    const { key, cert } = selfSignedCert(dir);
    tls = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_q, r) => {
      tlsHits++;
      r.end("ok");
    });
    await new Promise<void>((r) => tls!.listen(0, "127.0.0.1", r));
  }
});
afterAll(async () => {
  await proxy.close();
  await hook.close();
  model.close();
  tls?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** runWith writes a config and an env file with `env`, and runs the cron line install prints for them. */
async function runWith(name: string, env: string, checks: string) {
  const work = path.join(dir, name);
  fs.mkdirSync(work);
  const config = path.join(work, "watchdog.yaml");
  fs.writeFileSync(config, downConfig(work, "hook", `{type: webhook, url: "${hook.url}"}`, checks), { mode: 0o600 });
  const envFile = path.join(work, "watchdog.env");
  // A ${VAR} in the config makes install pass the env file.
  fs.writeFileSync(envFile, `${env}\nUNUSED=x\n`, { mode: 0o600 });
  fs.appendFileSync(config, 'host: "box-${UNUSED}"\n');
  const inst = await cli(["install", "--cron", "--config", config, "--env-file", envFile]);
  expect(inst.code).toBe(0);
  const passedBefore = proxy.passed.length;
  const hookBefore = hook.delivered().length;
  const run = await runAsCron(cronCommand(inst.stdout.split("\n")[1]!), CRON_ENV);
  // What watchdog wrote (state, history, log), not what the test wrote.
  const written = fs.readdirSync(work).filter((f) => !/^watchdog\.(env|yaml)$/.test(f));
  const files = written.map((f) => fs.readFileSync(path.join(work, f), "utf8")).join("\n");
  return { run, passed: proxy.passed.slice(passedBefore), delivered: hook.delivered().slice(hookBefore), files };
}

describe("a channel through the proxy", () => {
  it.each(["HTTP_PROXY", "http_proxy"])(
    "%s carries the webhook, with the proxy's credentials, never printed",
    async (name) => {
      const r = await runWith(`via-${name}`, `${name}=${proxy.url}`, "");
      expect(r.run.mail).toBe("");
      expect(r.delivered).toHaveLength(1);
      expect(r.passed).toEqual([
        { method: "POST", target: hook.url, auth: `Basic ${Buffer.from(`pxuser:${PROXY_PASS}`).toString("base64")}` },
      ]);
      expect(r.files).not.toContain(PROXY_PASS);
    },
  );

  it(
    "a proxy that refuses the credentials and echoes them: " + "the send fails on stderr, the password masked",
    async () => {
      const wrong = "wr0ng-Proxy-Pass";
      const r = await runWith("refused", `HTTP_PROXY=http://pxuser:${wrong}@127.0.0.1:${proxy.port}`, "");
      expect(r.delivered).toHaveLength(0);
      expect(r.run.mail).toMatch(/FAILED to send to hook .*HTTP 407/);
      expect(r.run.mail).toContain("denied: Basic ***");
      for (const leak of [wrong, Buffer.from(`pxuser:${wrong}`).toString("base64")]) {
        expect(r.run.mail).not.toContain(leak);
        expect(r.files).not.toContain(leak);
      }
    },
  );

  it.each([
    { proxy: "socks5://127.0.0.1:1080", want: "socks5: only http:// and https:// proxies are supported" },
    { proxy: "http://[bad", want: "is not a URL" },
  ])("a proxy it cannot use ($proxy) is named on stderr as the reason the send failed", async ({ proxy: p, want }) => {
    const r = await runWith(`bad-${p.length}`, `HTTP_PROXY=${p}`, "");
    expect(r.delivered).toHaveLength(0);
    expect(r.run.mail).toMatch(/FAILED to send to hook/);
    expect(r.run.mail).toContain(want);
  });

  it.each([
    { what: "a list with the host:port", entry: () => `example.com, 127.0.0.1:${hook.port}` },
    { what: "the host", entry: () => "127.0.0.1" },
    { what: "*", entry: () => "*" },
  ])("no_proxy naming $what sends it directly", async ({ what, entry }) => {
    const r = await runWith(`direct-${what.length}`, `HTTP_PROXY=${proxy.url}\nno_proxy=${entry()}`, "");
    expect(r.run.mail).toBe("");
    expect(r.delivered).toHaveLength(1);
    expect(r.passed).toEqual([]);
  });
});

describe("checks and the proxy", () => {
  it("an http check goes through it, unless it says proxy: false", async () => {
    const url = `http://127.0.0.1:${portOf(model)}/health`;
    const checks =
      `  - {name: via, type: http, url: "${url}?via"}\n` +
      `  - {name: direct, type: http, url: "${url}?direct", proxy: false}\n`;
    const r = await runWith("checks", `HTTP_PROXY=${proxy.url}\nNO_PROXY=127.0.0.1:${hook.port}`, checks);
    expect(r.run.mail).toBe("");
    expect(r.passed.map((p) => `${p.method} ${p.target}`)).toEqual([`GET ${url}?via`]);
  });

  it.skipIf(!OPENSSL)("HTTPS_PROXY tunnels an https request with CONNECT", async () => {
    const port = portOf(tls!);
    const checks = `  - {name: tls, type: http, url: "https://127.0.0.1:${port}/", insecure: true}\n`;
    const before = tlsHits;
    const r = await runWith("tls", `HTTPS_PROXY=${proxy.url}\nNO_PROXY=127.0.0.1:${hook.port}`, checks);
    expect(r.run.mail).toBe("");
    expect(r.passed.map((p) => `${p.method} ${p.target}`)).toEqual([`CONNECT 127.0.0.1:${port}`]);
    expect(tlsHits).toBe(before + 1);
  });
});
