import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";
import { freePort } from "../system/servers.js";
import { CRON, startCli, T0, tempDir, type Run } from "./harness.js";

// Secret leak scan: every channel (and an http check, and an exec plugin) configured with known secrets, every
// command run, and every output, the log, the state, the history, the metrics (textfile and the daemon's /metrics)
// searched for them in every form they can take there: raw, JSON-escaped (once, twice, with `\/`, with `\uXXXX` as
// Python and Go write it), URL-encoded, HTML-escaped, Prometheus-escaped. Several secrets hold `"`, `\`, `&`, `/`, `%`
// or non-ASCII characters: escaped in a JSON log line, they are no longer the raw text a naive mask looks for.

const SECRETS = {
  SMTP_PASS: 'S3cr3t"sm\\tp&Zq/81%x',
  DING_TOKEN: "dingtoken0a1b2c3d4e5f",
  DING_SECRET: "SECding/se\\cret&9x8y密",
  WECOM_KEY: "wecomkey-1234-abcd-5678",
  FEISHU_TOKEN: "feishutoken-77aa-88bb",
  FEISHU_SECRET: "feishusecret-zz99-ü",
  HOOK_TOKEN: 'hook"bear\\er&Yy/55%Tt66',
  HOOK_QUERY: "hookquery-Qq11Ww22",
  ALIYUN_ID: "LTAIaliyunid123456",
  ALIYUN_SECRET: 'aliyun"secret\\Kk00&Jj99',
  AM_PASS: "ampassword-Mm44Nn55",
  TTS_TOKEN: 'tts"bearer\\Pp77/Oo88&%q',
  // Not in the places secrets were looked for before: an `auth` query parameter, a Telegram-style bot path, a
  // signature header with a name of its own, and an exec plugin's environment (it prints what it was given).
  AUTH_QUERY: "authquery-Aa12Bb34",
  BOT_TOKEN: "123456789:AAHbotTok-en_XyZ0987654321ab",
  SIG_HEADER: 'sig-"value\\X&/%9zz',
  PLUGIN_TOKEN: 'ключ-密钥-ü-😀-x"y\\z&w/v%u',
};

/** forms are the ways a secret can be written in an output (see src/notify/secret-forms.ts). */
function forms(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const uEscape = (re: RegExp) => (t: string) =>
    t.replace(re, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return [
    ...new Set([
      s,
      json,
      JSON.stringify(json).slice(1, -1),
      json.replace(/\//g, "\\/"),
      uEscape(/[^\x20-\x7e]/g)(json), // Python's json.dumps (ensure_ascii)
      uEscape(/[<>&]/g)(json), // Go's encoding/json
      encodeURIComponent(s),
      new URLSearchParams({ x: s }).toString().slice(2),
      s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;"),
      s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n"), // a Prometheus label value
    ]),
  ];
}
// Written inline in the config file rather than through ${ENV}: they must be masked just the same.
const INLINE = { AM_PASS: SECRETS.AM_PASS, WECOM_KEY: SECRETS.WECOM_KEY };

let dir: string;
let smtp: SmtpSink;
let echo: http.Server;
let echoPort: number;

beforeAll(async () => {
  dir = tempDir("leak");
  smtp = await startSmtp({ auth: { user: "alert@example.com", pass: SECRETS.SMTP_PASS } });
  // The harshest vendor: it refuses everything and echoes the request (URL and headers) back in its error, as JSON.
  echo = http.createServer((req, res) => {
    req.resume();
    const headers = JSON.stringify(req.headers);
    req.on("end", () =>
      res.writeHead(500, { "content-type": "application/json" }).end(
        JSON.stringify({
          errcode: 500,
          errmsg: `refused ${req.url} auth=${req.headers.authorization ?? ""} headers=${headers}`,
          code: "Refused",
          Message: req.url,
        }),
      ),
    );
  });
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  echoPort = (echo.address() as AddressInfo).port;
});
afterAll(async () => {
  await smtp?.close();
  echo?.closeAllConnections();
  await new Promise((r) => echo?.close(r));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it(
  "no secret appears in any form in any command's output, " + "the log, the state, the history or the metrics",
  async () => {
    const base = `http://127.0.0.1:${echoPort}`;
    const downPort = await freePort();
    const metricsPort = await freePort();
    // A Nagios plugin that prints the token it was given: raw, in a JSON body (as Python writes it), URL-encoded, and
    // as a perfdata label (a metric's label in the textfile and /metrics).
    const plugin = path.join(dir, "plugin.cjs");
    fs.writeFileSync(
      plugin,
      `const s = process.env.API_TOKEN;
const py = JSON.stringify({ error: "bad token " + s }).replace(/[^\\x20-\\x7e]/g, \
(c) => "\\\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
console.log("CRITICAL - vendor said " + py + " raw=" + s + " url=" + encodeURIComponent(s) + " | 'tok:" + s + "'=1");
console.log("long output: " + JSON.stringify(JSON.stringify({ token: s })));
process.exit(2);
`,
    );
    const config = path.join(dir, "watchdog.yaml");
    const text = `host: leak-box
state_file: ${path.join(dir, "state.json")}
log_file: ${path.join(dir, "watchdog.log")}
history_file: ${path.join(dir, "history.jsonl")}
metrics: {textfile: ${path.join(dir, "watchdog.prom")}, listen: "127.0.0.1:${metricsPort}"}
channels:
  email:
    type: email
    host: 127.0.0.1
    port: ${smtp.port}
    user: alert@example.com
    pass: \${SMTP_PASS}
    from: watchdog@example.com
    to: [ops@example.com]
  ding:
    type: dingtalk
    webhook: ${base}/robot/send?access_token=\${DING_TOKEN}
    secret: \${DING_SECRET}
  wecom:
    type: wecom
    webhook: ${base}/cgi-bin/webhook/send?key=${INLINE.WECOM_KEY}
  feishu:
    type: feishu
    webhook: ${base}/open-apis/bot/v2/hook/\${FEISHU_TOKEN}
    secret: \${FEISHU_SECRET}
  hook:
    type: webhook
    url: ${base}/hook?token=\${HOOK_QUERY}
    headers: {Authorization: "Bearer \${HOOK_TOKEN}"}
  sms:
    type: aliyun-sms
    access_key_id: \${ALIYUN_ID}
    access_key_secret: \${ALIYUN_SECRET}
    sign_name: watchdog
    template_code: SMS_1
    phone_numbers: ["13800000000"]
    endpoint: ${base}
  am:
    type: alertmanager
    urls: [http://watchdog:${INLINE.AM_PASS}@127.0.0.1:${echoPort}]
  authq:
    type: webhook
    url: ${base}/notify?auth=\${AUTH_QUERY}
  bot:
    type: webhook
    url: ${base}/bot\${BOT_TOKEN}/sendMessage
  signed:
    type: webhook
    url: ${base}/signed
    headers: {X-Custom-Sig: "\${SIG_HEADER}"}
escalation:
  - after: 1
    notify: [email, ding, wecom, feishu, hook, sms, am, authq, bot, signed]
checks:
  - name: tts
    type: http
    url: ${base}/tts?api_key=\${TTS_TOKEN}
    headers: {Authorization: "Bearer \${TTS_TOKEN}"}
    timeout: 1m
  - name: port
    type: tcp
    port: ${downPort}
    timeout: 30s
  - name: plugin
    type: exec
    command: ["${process.execPath}", "${plugin}"]
    env: {API_TOKEN: "\${PLUGIN_TOKEN}"}
    timeout: 10s
`;
    fs.writeFileSync(config, text, { mode: 0o600 });
    const broken = path.join(dir, "broken.yaml");
    fs.writeFileSync(
      broken,
      text
        .replace("  - name: port\n", "  - name: port\n    bogus_key: 1\n")
        .replace("after: 1", `after: ${JSON.stringify(SECRETS.HOOK_TOKEN)}`),
      { mode: 0o600 },
    );

    const env = { ...Object.fromEntries(Object.entries(SECRETS).filter(([k]) => !(k in INLINE))) };
    const runs: { args: string[]; run: Run }[] = [];
    const cli = async (args: string[], at = T0) => {
      const run = await startCli(args, { env: { ...env, WATCHDOG_TEST_NOW: String(at) } }).done;
      runs.push({ args, run });
      return run;
    };
    const c = ["--config", config];
    await cli([...c, "validate"]);
    await cli(["--config", broken, "validate"]);
    await cli(["--config", broken, "--debug", "validate"]);
    await cli(["--config", broken, "check"]);
    await cli([...c, "check", "--dry-run"]);
    await cli([...c, "check", "--dry-run", "--json"]);
    expect((await cli([...c, "check"], T0)).code).toBe(0);
    await cli([...c, "--debug", "check", "--json"], T0 + CRON);
    await cli([...c, "check"], T0 + 10 * CRON);
    await cli([...c, "status"], T0 + 10 * CRON);
    await cli([...c, "status", "--json"], T0 + 10 * CRON);
    await cli([...c, "history"], T0 + 10 * CRON);
    await cli([...c, "history", "--json", "--events"], T0 + 10 * CRON);
    await cli([...c, "simulate", "tts", "--json"], T0 + 10 * CRON);
    await cli([...c, "ack", "port", "--note", "looking"], T0 + 10 * CRON);
    await cli([...c, "silence", "add", "tts", "--for", "1h", "--reason", "deploy"], T0 + 10 * CRON);
    await cli([...c, "silence", "list", "--json"], T0 + 10 * CRON);
    await cli([...c, "status"], T0 + 10 * CRON);
    for (const ch of ["email", "ding", "wecom", "feishu", "hook", "sms", "am", "authq", "bot", "signed"]) {
      await cli([...c, "test-notify", ch], T0 + 11 * CRON);
      await cli([...c, "--debug", "test-notify", ch, "--message", "hello"], T0 + 11 * CRON);
    }
    await cli([...c, "no-such-command"]);
    // The daemon's /metrics, once its first run is done.
    const daemon = startCli([...c, "daemon"], { env: { ...env }, timeoutMs: 60_000 });
    let metrics = "";
    for (let i = 0; i < 300 && !metrics.includes("watchdog_probe_"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
        (r) => r.text(),
        () => "",
      );
    }
    if (daemon.pid) process.kill(daemon.pid, "SIGTERM");
    runs.push({ args: [...c, "daemon"], run: await daemon.done });

    // Every command ran to its end (exit 0, or 78 for the broken config, 1 for failed test-notify sends, 2 for the
    // typo).
    for (const { args, run } of runs) expect([0, 1, 2, 78, 64], `${args.join(" ")}: ${run.stderr}`).toContain(run.code);
    // The plugin did print its token, the vendors did echo theirs (so the masking had something to mask).
    expect(fs.readFileSync(path.join(dir, "watchdog.log"), "utf8")).toContain("vendor said");
    expect(fs.readFileSync(path.join(dir, "watchdog.log"), "utf8")).toContain("headers=");
    expect(runs.find((r) => r.args.includes("add"))?.run.code).toBe(0);
    // The runs did reach the vendors (so their error paths were taken), and the mail went out with the real password.
    expect(smtp.mails.length).toBeGreaterThan(0);
    const leaks: string[] = [];
    const scan = (where: string, content: string) => {
      for (const [name, secret] of Object.entries(SECRETS)) {
        for (const form of forms(secret)) {
          const at = content.indexOf(form);
          if (at >= 0)
            leaks.push(
              `${name} as ${JSON.stringify(form)} in ${where}: ` +
                `…${content.slice(Math.max(0, at - 120), at + form.length + 40)}…`,
            );
        }
      }
    };
    scan("/metrics", metrics);
    for (const { args, run } of runs) {
      scan(`stdout of ${args.slice(2).join(" ")}`, run.stdout);
      scan(`stderr of ${args.slice(2).join(" ")}`, run.stderr);
    }
    const files = fs.readdirSync(dir).filter((f) => !f.endsWith(".yaml") && f !== "plugin.cjs");
    expect(files).toEqual(expect.arrayContaining(["state.json", "watchdog.log", "history.jsonl", "watchdog.prom"]));
    for (const f of files) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isFile()) scan(f, fs.readFileSync(p, "utf8"));
    }
    expect(leaks).toEqual([]);
    // The plugin's perfdata label reached /metrics, masked.
    expect(metrics).toContain('watchdog_probe_tok{check="plugin",target="***"} 1');
    // Masking kept the JSON files valid: every log and history line parses.
    for (const f of ["watchdog.log", "history.jsonl"]) {
      for (const line of fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter(Boolean))
        expect(() => JSON.parse(line), `${f}: ${line}`).not.toThrow();
    }
  },
  600_000,
);
