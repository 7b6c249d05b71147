import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";
import { startAliyunSms } from "../helpers/vendors/aliyun-sms.js";
import { startDingTalk } from "../helpers/vendors/dingtalk.js";
import { startSmtp, type FakeSmtp } from "../helpers/vendors/smtp.js";
import { startWebhook } from "../helpers/vendors/webhook.js";
import { closedPort } from "./harness.js";
import { tmpDirEach } from "../helpers/tmp.js";

// End to end through the built CLI (`node dist/watchdog.cjs`), as cron runs it. WATCHDOG_TEST_NOW sets the clock.

const DT_SECRET = "SECe2e0123456789abcdef";
beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error("dist/watchdog.cjs is missing: run `npm run build` first (npm test does)");
});
const dir = tmpDirEach("wd-e2e-notify-");

function write(name: string, text: string): string {
  const p = path.join(dir(), name);
  fs.writeFileSync(p, text);
  return p;
}
const env = (now: number, extra: Record<string, string> = {}) => ({
  HOME: dir(),
  WATCHDOG_CONFIG: "",
  WATCHDOG_TEST_NOW: String(now),
  ...extra,
});
const check = (cfg: string, now: number, extra: Record<string, string> = {}) =>
  runCli(["check", "--config", cfg, "--state", path.join(dir(), "state.json")], {
    env: env(now, extra),
    timeoutMs: 60_000,
  });
const state = () => JSON.parse(fs.readFileSync(path.join(dir(), "state.json"), "utf8"));

describe("the default ladder really sends (built CLI)", () => {
  let smtp: FakeSmtp;
  let sms: Awaited<ReturnType<typeof startAliyunSms>>;
  let dt: Awaited<ReturnType<typeof startDingTalk>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    sms = await startAliyunSms({ accessKeyId: "LTAI5tE2E", accessKeySecret: "e2e-aliyun-secret" });
    dt = await startDingTalk({ secret: DT_SECRET });
  });
  afterAll(async () => {
    await Promise.all([smtp.close(), sms.close(), dt.close()]);
  });

  const channels = () => `channels:
  email:
    type: email
    host: 127.0.0.1
    port: ${smtp.port}
    secure: false
    from: alert@example.com
    to: [ops@example.com]
  sms:
    type: aliyun-sms
    access_key_id: LTAI5tE2E
    access_key_secret: \${ALIYUN_SECRET}
    sign_name: 阿里云
    template_code: SMS_1
    phone_numbers: 13800000000
    endpoint: ${sms.origin}
  dingtalk:
    type: dingtalk
    webhook: "${dt.url}"
    secret: \${DT_SECRET}
    at_mobiles: [13800000000]
`;

  it(
    "email at the 1st failure, SMS and DingTalk at the 3rd with the restart, " + "recovery to every channel told",
    async () => {
      const port = await closedPort();
      const cfg = write(
        "w.yaml",
        `host: gpu-box-01\nlocale: zh-CN\n${channels()}checks:\n  - name: cosyvoice\n    type: tcp\n` +
          `    host: 127.0.0.1\n    port: ${port}\n    restart:\n      command: ["true"]\n      verify_after: 0s\n`,
      );
      const secrets = { ALIYUN_SECRET: "e2e-aliyun-secret", DT_SECRET };
      const T = Date.now();
      const r1 = await check(cfg, T, secrets);
      expect(r1.code).toBe(0);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]!.subject).toBe("【告警】gpu-box-01 cosyvoice 严重");
      await check(cfg, T + 120_000, secrets);
      expect(sms.sms()).toHaveLength(0);
      const r3 = await check(cfg, T + 240_000, secrets);
      expect(r3.code).toBe(0);
      expect(sms.sms()).toHaveLength(1);
      expect(JSON.parse(sms.sms()[0]!.TemplateParam!)).toMatchObject({
        host: "gpu-box-01",
        check: "cosyvoice",
        status: "严重",
      });
      expect(dt.delivered()).toHaveLength(1);
      expect(dt.delivered()[0].markdown.text).toContain("重启后仍未恢复");
      expect(dt.delivered()[0].markdown.text).toContain("@13800000000");
      // The service comes back: recovery to all three.
      const srv = net.createServer((s) => s.destroy());
      await new Promise<void>((r) => srv.listen(port, "127.0.0.1", r));
      try {
        await check(cfg, T + 360_000, secrets);
      } finally {
        await new Promise<void>((r) => srv.close(() => r()));
      }
      expect(smtp.received).toHaveLength(2);
      expect(smtp.received[1]!.subject).toMatch(/^【恢复】gpu-box-01 cosyvoice 已恢复/);
      expect(sms.sms()).toHaveLength(2);
      expect(dt.delivered()).toHaveLength(2);
      expect(state().outbox).toEqual([]);
      // No secret in anything the runs printed or stored.
      const all = [
        r1.stdout,
        r1.stderr,
        r3.stdout,
        r3.stderr,
        fs.readFileSync(path.join(dir(), "state.json"), "utf8"),
      ].join("\n");
      expect(all).not.toMatch(/e2e-aliyun-secret|SECe2e0123456789abcdef/);
    },
  );

  it(
    "test-notify email|sms|dingtalk by the example's names; " +
      "a wrong DingTalk secret exits 1 with errcode, reason and hint",
    async () => {
      const cfg = write("w.yaml", `host: gpu-box-01\n${channels()}`);
      const secrets = { ALIYUN_SECRET: "e2e-aliyun-secret", DT_SECRET };
      for (const name of ["email", "sms", "dingtalk"]) {
        const r = await runCli(["test-notify", name, "--config", cfg, "--message", "hello 你好"], {
          env: env(Date.now(), secrets),
        });
        expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
        expect(r.stdout).toContain(`ok: ${name} accepted it`);
      }
      expect(smtp.received.at(-1)!.text).toContain("hello 你好");
      const wrong = await runCli(["test-notify", "dingtalk", "--config", cfg], {
        env: env(Date.now(), { ...secrets, DT_SECRET: "SECwrong-secret-value" }),
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("DingTalk errcode 310000 sign not match: check `secret` and the system clock");
      expect(wrong.stdout + wrong.stderr).not.toMatch(/SECwrong-secret-value|dt-token-0123456789/);
      const unknown = await runCli(["test-notify", "pager", "--config", cfg], { env: env(Date.now(), secrets) });
      expect(unknown.code).toBe(64);
      expect(unknown.stderr).toContain('no channel "pager"');
    },
  );

  it("a run that sends no SMS never loads the Aliyun SDK (nor nodemailer)", async () => {
    const cfg = write(
      "w.yaml",
      `host: gpu-box-01\n${channels()}checks:\n  - name: fine\n    type: tcp\n    host: 127.0.0.1\n` +
        `    port: ${dt.port}\n`,
    );
    const out = path.join(dir(), "modules.json");
    const preload = write(
      "preload.cjs",
      `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(out)}, ` +
        `JSON.stringify(Object.keys(require.cache))));\n`,
    );
    const r = await check(cfg, Date.now(), {
      ALIYUN_SECRET: "x-secret",
      DT_SECRET,
      NODE_OPTIONS: `--require ${preload}`,
    });
    expect(r.code).toBe(0);
    const loaded: string[] = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(loaded.some((f) => f.endsWith("watchdog.cjs"))).toBe(true);
    expect(loaded.filter((f) => /alicloud|darabonba|nodemailer/.test(f))).toEqual([]);
  });
});

describe("delivery policies end to end (built CLI, literal times)", () => {
  let hook: Awaited<ReturnType<typeof startWebhook>>;
  beforeEach(async () => {
    hook = await startWebhook();
  });
  afterEach(async () => hook.close());

  const diskWarning = (name: string) =>
    `  - name: ${name}\n    type: system\n` +
    `    disk: {paths: [${JSON.stringify(os.tmpdir())}], warning: 0, critical: 100}\n    memory: false\n` +
    `    load: false\n`;

  it("quiet hours hold warnings overnight and deliver one digest when the window ends", async () => {
    const cfg = (checks: string) =>
      write(
        "w.yaml",
        `host: gpu-box-01\nchannels:\n  night:\n    type: webhook\n    url: "${hook.url}"\n` +
          `    quiet_hours: {from: "01:00", to: "07:00", timezone: UTC, except: critical}\nrepeat_every: 0s\n` +
          `escalation:\n  - after: 1\n    notify: [night]\nchecks:\n${checks}`,
      );
    await check(cfg(diskWarning("disk-a")), Date.parse("2026-11-22T02:00:00Z"));
    await check(cfg(diskWarning("disk-a") + diskWarning("disk-b")), Date.parse("2026-11-22T02:02:00Z"));
    expect(hook.delivered()).toHaveLength(0);
    expect(state().outbox).toHaveLength(2);
    await check(cfg(diskWarning("disk-a") + diskWarning("disk-b")), Date.parse("2026-11-22T06:58:00Z"));
    expect(hook.delivered()).toHaveLength(0);
    await check(cfg(diskWarning("disk-a") + diskWarning("disk-b")), Date.parse("2026-11-22T07:00:30Z"));
    expect(hook.delivered()).toHaveLength(1);
    const digest = hook.delivered()[0];
    expect(digest.ids).toHaveLength(2);
    expect(digest.items.map((i: any) => i.check)).toEqual(["disk-a", "disk-b"]);
    expect(digest.text).toContain("Held during quiet hours: 2 messages in one digest.");
    expect(state().outbox).toEqual([]);
  });

  it("a rate limit survives across runs: over it, messages wait and go out merged", async () => {
    const cfg = (checks: string) =>
      write(
        "w.yaml",
        `host: gpu-box-01\nchannels:\n  hook:\n    type: webhook\n    url: "${hook.url}"\n` +
          `    rate_limit: {max: 1, per: 10m}\nescalation:\n  - after: 1\n    notify: [hook]\nchecks:\n${checks}`,
      );
    const T = Date.parse("2026-11-22T10:00:00Z");
    await check(cfg(diskWarning("a")), T);
    await check(cfg(diskWarning("a") + diskWarning("b")), T + 120_000);
    await check(cfg(diskWarning("a") + diskWarning("b") + diskWarning("c")), T + 240_000);
    expect(hook.delivered()).toHaveLength(1);
    // 11 minutes on: the window (10m from the first send, which a loaded machine may make a little late) is over.
    await check(cfg(diskWarning("a") + diskWarning("b") + diskWarning("c")), T + 660_000);
    expect(hook.delivered()).toHaveLength(2);
    expect(hook.delivered()[1].items.map((i: any) => i.check)).toEqual(["b", "c"]);
    expect(hook.delivered()[1].ids).toHaveLength(2);
  });

  it(
    "past the SMS daily_limit: no SMS, " + "the alert is recorded as dropped, ONE notice on the other channels",
    async () => {
      const sms = await startAliyunSms({ accessKeyId: "LTAI5tCAP", accessKeySecret: "cap-secret" });
      try {
        const ports = [await closedPort(), await closedPort(), await closedPort()];
        const tcp = (i: number) => `  - name: svc${i}\n    type: tcp\n    host: 127.0.0.1\n    port: ${ports[i]}\n`;
        const cfg = (n: number) =>
          write(
            "w.yaml",
            `host: gpu-box-01\nchannels:\n  sms:\n    type: aliyun-sms\n    access_key_id: LTAI5tCAP\n` +
              `    access_key_secret: cap-secret\n    sign_name: 阿里云\n    template_code: SMS_1\n` +
              `    phone_numbers: 13800000000\n    endpoint: ${sms.origin}\n    daily_limit: 1\n` +
              `    quiet_hours: {from: "00:00", to: "00:00", timezone: UTC}\n  hook:\n    type: webhook\n` +
              `    url: "${hook.url}"\nescalation:\n  - after: 1\n    notify: [sms]\nchecks:\n` +
              `${[0, 1, 2].slice(0, n).map(tcp).join("")}`,
          );
        const T = Date.parse("2026-11-22T10:00:00Z");
        await check(cfg(1), T);
        await check(cfg(2), T + 120_000);
        await check(cfg(3), T + 240_000);
        expect(sms.sms()).toHaveLength(1);
        const notices = hook.delivered().filter((b: any) => b.notice);
        expect(notices).toHaveLength(1);
        expect(notices[0].notice).toEqual({ type: "daily_limit", channel: "sms", limit: 1, day: "2026-11-22" });
        const s = state();
        expect(s.dropped.map((d: any) => d.why)).toEqual([
          expect.stringMatching(/daily_limit of 1 reached/),
          expect.stringMatching(/daily_limit of 1 reached/),
        ]);
        // Every alert generated is sent or visibly dropped.
        expect(sms.sms().length + s.dropped.length + s.outbox.length).toBe(3);
      } finally {
        await sms.close();
      }
    },
  );
});
