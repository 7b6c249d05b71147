import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAliyunSms } from "../helpers/vendors/aliyun-sms.js";
import { startDingTalk } from "../helpers/vendors/dingtalk.js";
import { startFeishu } from "../helpers/vendors/feishu.js";
import type { VendorMode } from "../helpers/vendors/http-vendor.js";
import { startSmtp } from "../helpers/vendors/smtp.js";
import { startWebhook } from "../helpers/vendors/webhook.js";
import { startWeCom } from "../helpers/vendors/wecom.js";
import { closedPort, idsIn, rig, withBackup } from "./harness.js";

// For every channel and every fault: the run ends within its deadline, the fallback gets the message in the same run,
// the outbox keeps it, and a later run (channel back) delivers it exactly once. Real config, real runCheck, real
// protocols on 127.0.0.1; only the clock is set by the test (and backoff waits are skipped).

type Fault = VendorMode | "unresolvable";
const FAULTS: Fault[] = ["refuse", "hang", "500", "error", "unresolvable"];
// The run's budget (the product's own deadline): a hung vendor must not hold the run to it. Generous, so that a busy
// machine does not hit it while the channel's own 500 ms deadline does the work.
const RUN_TIMEOUT_MS = 60_000;
const SECRET = "SECfaultmatrix0123456789";

/** A primary channel under test: how to start its fake vendor, its YAML, and how to read what it delivered. */
type Primary = {
  type: string;
  start(): Promise<{
    yaml(broken: boolean, fast?: boolean): string;
    setMode(m: VendorMode): Promise<void>;
    deliveredText(): string[];
    close(): Promise<void>;
  }>;
};

const invalidHost = (url: string) => url.replace("127.0.0.1", "vendor.watchdog.invalid");

const httpPrimary = (
  type: string,
  start: () => Promise<{
    url: string;
    origin: string;
    setMode(m: VendorMode): Promise<void>;
    delivered(): any[];
    close(): Promise<void>;
  }>,
  extra: (url: string) => string,
): Primary => ({
  type,
  async start() {
    const s = await start();
    return {
      yaml: (broken) => extra(broken ? invalidHost(s.url) : s.url),
      setMode: (m) => s.setMode(m),
      deliveredText: () => s.delivered().map((b) => JSON.stringify(b)),
      close: () => s.close(),
    };
  },
});

const PRIMARIES: Primary[] = [
  httpPrimary(
    "dingtalk",
    () => startDingTalk({ secret: SECRET }),
    (url) => `    type: dingtalk\n    webhook: "${url}"\n    secret: ${SECRET}\n`,
  ),
  httpPrimary(
    "wecom",
    () => startWeCom(),
    (url) => `    type: wecom\n    webhook: "${url}"\n`,
  ),
  httpPrimary(
    "feishu",
    () => startFeishu({ secret: SECRET }),
    (url) => `    type: feishu\n    webhook: "${url}"\n    secret: ${SECRET}\n`,
  ),
  httpPrimary(
    "webhook",
    () => startWebhook(),
    (url) => `    type: webhook\n    url: "${url}"\n`,
  ),
  {
    type: "aliyun-sms",
    async start() {
      const s = await startAliyunSms({ accessKeyId: "LTAI5tFAULTKEY", accessKeySecret: "fault-matrix-secret" });
      return {
        yaml: (broken) =>
          `    type: aliyun-sms\n    access_key_id: LTAI5tFAULTKEY\n    access_key_secret: fault-matrix-secret\n` +
          `    sign_name: 阿里云\n    template_code: SMS_1\n    phone_numbers: [13800000000]\n` +
          `    template_params: {msgid: id, check: check}\n    param_max_length: 60\n` +
          `    endpoint: "${broken ? invalidHost(s.origin) : s.origin}"\n`,
        setMode: (m) => s.setMode(m),
        // The SMS carries the message id in OutId (and in the `msgid` variable).
        deliveredText: () => s.sms().map((p) => `watchdog message ${p.OutId}`),
        close: () => s.close(),
      };
    },
  },
  {
    type: "email",
    async start() {
      const s = await startSmtp();
      return {
        yaml: (broken, fast = true) => {
          const t = fast ? "400ms" : "30s";
          const host = broken ? "smtp.watchdog.invalid" : s.host;
          return (
            `    type: email\n    host: ${host}\n    port: ${s.port}\n    secure: false\n` +
            `    from: alert@example.com\n    to: [ops@example.com]\n    greeting_timeout: ${t}\n` +
            `    connection_timeout: ${t}\n    socket_timeout: ${t}\n`
          );
        },
        setMode: (m) =>
          s.setMode(m === "refuse" || m === "hang" || m === "500" || m === "error" || m === "ok" ? m : "ok"),
        deliveredText: () => s.received.map((m) => m.text ?? ""),
        close: () => s.close(),
      };
    },
  },
];

let backup: Awaited<ReturnType<typeof startWebhook>>;
let port = 0;
beforeAll(async () => {
  backup = await startWebhook();
  port = await closedPort();
});
afterAll(async () => {
  await backup.close();
});

// Short deadlines while the vendor is broken (the run must not wait on it); long ones once it is back, so that a
// test process starved for a moment by a busy machine does not turn a working send into a timeout.
const config = (primaryYaml: string, timeout = "500ms") =>
  `host: gpu-box-01\nrun_timeout: ${RUN_TIMEOUT_MS / 1000}s\n` +
  withBackup(
    "primary",
    `${primaryYaml}    timeout: ${timeout}\n    rate_limit: {max: 100, per: 1m}\n`,
    backup.url,
    `  - name: cosyvoice\n    type: tcp\n    host: 127.0.0.1\n    port: ${port}\n`,
  );

describe.each(PRIMARIES)("fault matrix: $type", (primary) => {
  it.each(FAULTS)("%s", async (fault) => {
    const vendor = await primary.start();
    const r = rig();
    const backupBefore = backup.delivered().length;
    try {
      if (fault !== "unresolvable") await vendor.setMode(fault);
      // Run 1: the channel fails; the run still ends within its deadline.
      const t0 = Date.now();
      const run1 = await r.run(config(vendor.yaml(fault === "unresolvable")));
      expect(Date.now() - t0).toBeLessThan(RUN_TIMEOUT_MS);
      const generated = run1.actions.filter((a) => a.type === "notify").length;
      expect(generated).toBe(1);
      const primaryAttempt = run1.attempts.find((a) => a.channel === "primary")!;
      expect(primaryAttempt.ok).toBe(false);
      expect(primaryAttempt.outcome.ok ? "" : primaryAttempt.outcome.error).not.toMatch(
        /SECfaultmatrix|fault-matrix-secret/,
      );
      const id = primaryAttempt.id;
      // The fallback got the message in the same run, marked as such.
      const fb = backup.delivered().slice(backupBefore);
      expect(fb).toHaveLength(1);
      expect(fb[0]).toMatchObject({ id: `${id}~backup`, fallbackFrom: "primary" });
      // The outbox keeps it.
      expect(r.state().outbox.map((e: any) => e.message.id)).toEqual([id]);
      expect(vendor.deliveredText()).toHaveLength(0);

      // Run 2, two minutes later (past the 1-minute backoff): the channel is back and the message goes out.
      await vendor.setMode("ok");
      const run2 = await r.run(config(vendor.yaml(false, false), "30s"), r.now + 120_000);
      expect(run2.attempts.filter((a) => a.channel === "primary" && a.ok)).toHaveLength(1);
      // Run 3: nothing more. Exactly once on the primary, once on the fallback.
      await r.run(config(vendor.yaml(false, false), "30s"), r.now + 120_000);
      const seen = vendor.deliveredText().flatMap(idsIn);
      expect(seen).toEqual([id]);
      expect(backup.delivered().slice(backupBefore)).toHaveLength(1);
      // Every alert generated is delivered or visibly dropped; none disappears.
      const st = r.state();
      expect(seen.length + st.dropped.length + st.outbox.length).toBe(generated);
    } finally {
      await vendor.close();
      r.close();
    }
  });
});
