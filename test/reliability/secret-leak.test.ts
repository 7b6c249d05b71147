import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";
import { freePort } from "../system/servers.js";
import { CRON, startCli, T0, tempDir, type Run } from "./harness.js";

// Secret leak scan: every channel (and an http check) configured with known secrets, every command run, and every
// output, the log, the state, the history and the metrics searched for them.

const SECRETS = {
  SMTP_PASS: "S3cr3t-smtp-Zq81",
  DING_TOKEN: "dingtoken0a1b2c3d4e5f",
  DING_SECRET: "SECdingsecret9x8y7z",
  WECOM_KEY: "wecomkey-1234-abcd-5678",
  FEISHU_TOKEN: "feishutoken-77aa-88bb",
  FEISHU_SECRET: "feishusecret-zz99",
  HOOK_TOKEN: "hookbearer-Yy55Tt66",
  HOOK_QUERY: "hookquery-Qq11Ww22",
  ALIYUN_ID: "LTAIaliyunid123456",
  ALIYUN_SECRET: "aliyunsecret-Kk00Jj99",
  AM_PASS: "ampassword-Mm44Nn55",
  TTS_TOKEN: "ttsbearer-Pp77Oo88",
};
// Written inline in the config file rather than through ${ENV}: they must be masked just the same.
const INLINE = { AM_PASS: SECRETS.AM_PASS, WECOM_KEY: SECRETS.WECOM_KEY };

let dir: string;
let smtp: SmtpSink;
let echo: http.Server;
let echoPort: number;

beforeAll(async () => {
  dir = tempDir("leak");
  smtp = await startSmtp({ auth: { user: "alert@example.com", pass: SECRETS.SMTP_PASS } });
  // The harshest vendor: it refuses everything and echoes the request (URL and headers) back in its error.
  echo = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ errcode: 500, errmsg: `refused ${req.url} auth=${req.headers.authorization ?? ""}`, code: "Refused", Message: req.url })));
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

it("no secret appears in any command's output, the log, the state, the history or the metrics", async () => {
  const base = `http://127.0.0.1:${echoPort}`;
  const downPort = await freePort();
  const config = path.join(dir, "watchdog.yaml");
  const text = `host: leak-box
state_file: ${path.join(dir, "state.json")}
log_file: ${path.join(dir, "watchdog.log")}
history_file: ${path.join(dir, "history.jsonl")}
metrics: {textfile: ${path.join(dir, "watchdog.prom")}}
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
escalation:
  - after: 1
    notify: [email, ding, wecom, feishu, hook, sms, am]
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
`;
  fs.writeFileSync(config, text, { mode: 0o600 });
  const broken = path.join(dir, "broken.yaml");
  fs.writeFileSync(broken, text.replace("  - name: port\n", "  - name: port\n    bogus_key: 1\n").replace("after: 1", `after: "${SECRETS.HOOK_TOKEN}"`), { mode: 0o600 });

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
  for (const ch of ["email", "ding", "wecom", "feishu", "hook", "sms", "am"]) {
    await cli([...c, "test-notify", ch], T0 + 11 * CRON);
    await cli([...c, "--debug", "test-notify", ch, "--message", "hello"], T0 + 11 * CRON);
  }
  await cli([...c, "no-such-command"]);

  // Every command ran to its end (exit 0, or 78 for the broken config, 1 for failed test-notify sends, 2 for the typo).
  for (const { args, run } of runs) expect([0, 1, 2, 78, 64], `${args.join(" ")}: ${run.stderr}`).toContain(run.code);
  expect(runs.find((r) => r.args.includes("add"))?.run.code).toBe(0);
  // The runs did reach the vendors (so their error paths were taken), and the mail went out with the real password.
  expect(smtp.mails.length).toBeGreaterThan(0);
  const leaks: string[] = [];
  const scan = (where: string, content: string) => {
    for (const [name, secret] of Object.entries(SECRETS)) if (content.includes(secret)) leaks.push(`${name} in ${where}: …${content.slice(Math.max(0, content.indexOf(secret) - 120), content.indexOf(secret) + secret.length + 40)}…`);
  };
  for (const { args, run } of runs) {
    scan(`stdout of ${args.slice(2).join(" ")}`, run.stdout);
    scan(`stderr of ${args.slice(2).join(" ")}`, run.stderr);
  }
  const files = fs.readdirSync(dir).filter((f) => !f.endsWith(".yaml"));
  expect(files).toEqual(expect.arrayContaining(["state.json", "watchdog.log", "history.jsonl", "watchdog.prom"]));
  for (const f of files) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) scan(f, fs.readFileSync(p, "utf8"));
  }
  expect(leaks).toEqual([]);
}, 600_000);
