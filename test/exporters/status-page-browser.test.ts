import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "../reliability/harness.js";
import { findBinary, freePort, startTcp } from "../system/servers.js";

// Debian's chromium, headless, opens the page a real run of the built CLI wrote (.ci/run installs it).
const CHROMIUM = findBinary("chromium", "chromium-browser", "/usr/bin/chromium");
if (!CHROMIUM)
  console.warn("test/exporters/status-page-browser: SKIPPED: no chromium binary (apt-get install chromium)");

const ARTIFACTS = path.resolve(__dirname, "../../test-artifacts");
const SECRET = "tok-9f8e7d6c5b4a";
const HOUR = 3_600_000;

const runCli = (args: string[], env: Record<string, string> = {}) => startCli(args, { env, timeoutMs: 30_000 }).done;

/** browse runs headless Chromium with every host name unresolvable and a net log of what it requested. */
async function browse(dir: string, url: string, args: string[]): Promise<{ dom: string; pageRequests: string[] }> {
  const netlog = path.join(dir, `net-${Math.random().toString(36).slice(2)}.json`);
  const argv = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-background-networking",
    `--user-data-dir=${path.join(dir, "profile")}`,
    "--host-resolver-rules=MAP * ~NOTFOUND",
    `--log-net-log=${netlog}`,
    ...args,
    url,
  ];
  // Asynchronous, so the test's own servers and vitest's worker keep running while the browser works.
  const child = spawn(CHROMIUM!, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr = (stderr + c).slice(-4000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((r) => child.on("close", r));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`chromium exited ${code}: ${stderr.slice(-2000)}`);
  // Requests the page itself started carry its file:// origin; Chromium's own background calls (updates) do not.
  type NetLog = { events: { params?: { url?: string; network_isolation_key?: string } }[] };
  const events = (JSON.parse(fs.readFileSync(netlog, "utf8")) as NetLog).events;
  const pageRequests = events
    .filter((e) => e.params?.url && e.params.network_isolation_key?.includes("file://"))
    .map((e) => e.params!.url!);
  return { dom: stdout, pageRequests };
}

/** visibleText is what a person reads in a piece of HTML: tags dropped, entities decoded, spaces collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style|title)[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** cards maps each check card's name to its visible text, in page order. */
function cards(dom: string): { name: string; text: string }[] {
  return [...dom.matchAll(/<section class="card[^"]*">([\s\S]*?)<\/section>/g)].map((m) => ({
    name: visibleText(/<span class="name">([\s\S]*?)<\/span>/.exec(m[1]!)![1]!),
    text: visibleText(m[1]!),
  }));
}

describe.skipIf(!CHROMIUM)(
  `status page in headless Chromium${CHROMIUM ? "" : " (skipped: chromium not installed)"}`,
  () => {
    let dir: string;
    let up: { port: number; close(): Promise<void> };
    let web: http.Server;
    let pageEn: string;
    let pageZh: string;
    let zhConfig: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-page-"));
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      up = await startTcp();
      web = http.createServer((_req, res) => res.end("ok"));
      await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
      const webPort = (web.address() as net.AddressInfo).port;
      const down = await freePort();
      const deadHook = await freePort();
      const log = path.join(dir, "worker.log");
      fs.writeFileSync(log, "");
      pageEn = path.join(dir, "www", "status.html");
      pageZh = path.join(dir, "status-zh.html");
      const plugin = path.join(dir, "plugin.sh");
      // A plugin whose output carries markup: the page must show it as text, never run it.
      fs.writeFileSync(
        plugin,
        `#!/bin/sh\n` +
          `echo 'CRITICAL - <script>alert("pwned")</script> <img src=x onerror=alert(1)> worker died, ` +
          `key ${SECRET}'\nexit 2\n`,
        { mode: 0o755 },
      );
      const base = (locale: string, page: string) => `host: gpu-box-01
locale: ${locale}
state_file: ${path.join(dir, "state.json")}
expected_interval: 1d
status_page:
  path: ${page}
  title: Speech cluster
channels:
  hook:
    type: webhook
    url: http://127.0.0.1:${deadHook}/hook?token=\${HOOK_TOKEN}
escalation:
  - after: 1
    notify: [hook]
  - after: 5
    notify: [hook]
checks:
  - name: tts-port
    type: tcp
    port: ${up.port}
  - name: tts-http
    type: http
    url: http://127.0.0.1:${webPort}/health
  - name: llm-port
    type: tcp
    port: ${down}
    timeout: 1s
  - name: plugin-check
    type: exec
    command: [${plugin}]
  - name: worker-log
    type: log
    path: ${log}
`;
      const enConfig = path.join(dir, "en.yaml");
      zhConfig = path.join(dir, "zh.yaml");
      fs.writeFileSync(enConfig, base("en", pageEn));
      fs.writeFileSync(zhConfig, base("zh-CN", pageZh));
      const env = { HOOK_TOKEN: SECRET };
      const now = Date.now();
      // Three hours ago the worker log says CUDA ran out of memory (an incident with a cause); an hour later it is
      // quiet.
      let r = await runCli(["--config", enConfig, "check"], { ...env, WATCHDOG_TEST_NOW: String(now - 3 * HOUR) });
      expect(r.code, r.stderr).toBe(0);
      fs.appendFileSync(log, "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\n");
      r = await runCli(["--config", enConfig, "check"], { ...env, WATCHDOG_TEST_NOW: String(now - 3 * HOUR + 60_000) });
      expect(r.code, r.stderr).toBe(0);
      r = await runCli(["--config", enConfig, "check"], { ...env, WATCHDOG_TEST_NOW: String(now - 2 * HOUR) });
      expect(r.code, r.stderr).toBe(0);
      for (let i = 0; i < 2; i++) {
        r = await runCli(["--config", enConfig, "check"], env);
        expect(r.code, r.stderr).toBe(0);
      }
      r = await runCli(["--config", zhConfig, "status", "--html", pageZh], env);
      expect(r.code, r.stderr).toBe(0);
    }, 180_000);

    afterAll(async () => {
      await up?.close();
      await new Promise((r) => web?.close(r));
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("shows each check's row as a person reads it, open incidents first, markup as text", async () => {
      const { dom, pageRequests } = await browse(dir, `file://${pageEn}`, ["--dump-dom"]);
      const rows = cards(dom);
      expect(rows.map((c) => c.name)).toEqual(["llm-port", "plugin-check", "tts-port", "tts-http", "worker-log"]);
      const row = (name: string) => rows.find((c) => c.name === name)!.text;
      expect(row("llm-port")).toMatch(/^CRITICAL llm-port 127\.0\.0\.1:\d+ refused the connection/);
      expect(row("llm-port")).toContain("failing 5 runs in a row");
      expect(row("llm-port")).toContain("ladder step 2 of 2");
      // The plugin printed a configured secret: masked like everywhere else.
      expect(row("plugin-check")).toContain(
        'CRITICAL - <script>alert("pwned")</script> <img src=x onerror=alert(1)> worker died, key ***',
      );
      expect(row("tts-port")).toMatch(/^OK tts-port .*ok 5 runs in a row/);
      expect(row("tts-http")).toMatch(/^OK tts-http /);
      // The closed incident of three hours ago, with its probable cause, in the timeline's list and on its bar.
      expect(row("worker-log")).toMatch(
        new RegExp(
          String.raw`^OK worker-log .*Incidents \(last 7 d\) .* \(5\dm( \d+s)?\) · CRITICAL · ` +
            String.raw`reached step 1 · probable cause: gpu_oom`,
        ),
      );
      expect(dom).toMatch(/<path class="f-inc"[^>]*><title>\d\d-\d\d \d\d:\d\d – \d\d-\d\d \d\d:\d\d gpu_oom<\/title>/);
      expect(dom).toMatch(/<path class="f-critical" d="M\d+ 0h\d+v8h-\d+z"/);
      // Markup from outside never became elements: the page's own script is the only one, no <img> at all.
      expect(dom.match(/<script/g)).toHaveLength(1);
      expect(dom).not.toMatch(/<img/);
      // The outbox (the hook is down) is listed, its token masked; no secret anywhere.
      expect(visibleText(dom)).toMatch(/Notifications \d+ waiting in the outbox, 0 dropped in total/);
      expect(fs.readFileSync(pageEn, "utf8")).not.toContain(SECRET);
      expect(dom).not.toContain(SECRET);
      // Not late: the banner is there but hidden.
      expect(dom).toMatch(/<p id="late" class="banner" hidden="">/);
      expect(pageRequests).toEqual([]);
    }, 180_000);

    it("loads nothing from the network (the same detector does catch a page that does)", async () => {
      const html = fs.readFileSync(pageEn, "utf8");
      expect(html).toContain(
        `http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;`,
      );
      // No element of the page's own points anywhere (the text may quote markup: that is escaped, not a tag).
      const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
      expect(tags.filter((t) => /\s(src|href|action|srcset)=/i.test(t))).toEqual([]);
      expect(html).not.toMatch(/url\(|@import/);
      const control = path.join(dir, "control.html");
      fs.writeFileSync(control, '<html><body><img src="http://cdn.example.invalid/x.png"></body></html>');
      expect((await browse(dir, `file://${control}`, ["--dump-dom"])).pageRequests.join()).toContain(
        "cdn.example.invalid",
      );
    }, 180_000);

    it("speaks Chinese with locale zh-CN (status --html)", async () => {
      const { dom, pageRequests } = await browse(dir, `file://${pageZh}`, ["--dump-dom"]);
      expect(dom).toContain('<html lang="zh-CN">');
      const rows = cards(dom);
      expect(rows[0]!.text).toMatch(/^严重 llm-port .*连续失败 5 次.*告警级别 2\/2/);
      expect(rows.find((c) => c.name === "tts-port")!.text).toMatch(/^正常 tts-port .*连续正常 5 次/);
      expect(rows.find((c) => c.name === "worker-log")!.text).toMatch(/事件（最近 7 天）|事件 \(最近 7 天\)/);
      expect(rows.find((c) => c.name === "worker-log")!.text).toContain("可能原因: gpu_oom");
      expect(visibleText(dom)).toContain("静默与确认");
      expect(pageRequests).toEqual([]);
    }, 180_000);

    it("is readable on a phone and on a desk (screenshots kept in test-artifacts/)", async () => {
      const shots = [
        { file: "status-page-en-phone.png", page: pageEn, size: "412,2400" },
        { file: "status-page-en-desktop.png", page: pageEn, size: "1280,1400" },
        { file: "status-page-zh-phone.png", page: pageZh, size: "412,2400" },
      ];
      for (const s of shots) {
        const out = path.join(ARTIFACTS, s.file);
        fs.rmSync(out, { force: true });
        await browse(dir, `file://${s.page}`, [`--window-size=${s.size}`, `--screenshot=${out}`]);
        expect(fs.statSync(out).size).toBeGreaterThan(10_000);
        console.log(`status page screenshot: ${out}`);
      }
      expect(fs.readFileSync(pageEn, "utf8")).toContain(
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
      );
    }, 240_000);
  },
);
