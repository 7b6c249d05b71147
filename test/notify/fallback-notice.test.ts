import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runAsCron } from "../e2e/field-helpers.js";
import { startDingTalk } from "../helpers/vendors/dingtalk.js";
import { startFeishu } from "../helpers/vendors/feishu.js";
import type { VendorServer } from "../helpers/vendors/http-vendor.js";

// One message per channel per run, the notice of a failing channel included: when DingTalk refuses its sign, its
// fallback (Feishu) gets the alert once, and that one message says what DingTalk answered and what to fix. The
// built CLI runs as cron runs it (env -i, stdout thrown away); the fakes check signatures like the vendors.

let dir: string;
let dt: VendorServer;
let fs_: VendorServer;
beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error("dist/watchdog.cjs is missing: run `npm run build` first");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-fallback-notice-"));
  dt = await startDingTalk({ secret: "SECright0123456789abcdef" });
  fs_ = await startFeishu();
});
afterAll(async () => {
  await Promise.all([dt.close(), fs_.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const feishuText = (body: { content?: { text?: string; post?: unknown } }) => JSON.stringify(body.content);

describe("a channel refused for good, with a fallback", () => {
  it("DingTalk errcode 310000: Feishu gets exactly one message with the alert, the failure and the fix", async () => {
    const state = path.join(dir, "state.json");
    const cfg = path.join(dir, "watchdog.yaml");
    fs.writeFileSync(
      cfg,
      `state_file: ${state}
channels:
  dingtalk:
    type: dingtalk
    webhook: "${dt.url}"
    secret: SECwrong0123456789abcdef
    fallback: [feishu]
  feishu:
    type: feishu
    webhook: "${fs_.url}"
escalation:
  - {after: 1, notify: [dingtalk]}
  - {after: 2, notify: [dingtalk]}
checks:
  - {name: llm, type: tcp, port: 1}
`,
    );
    const run = await runAsCron(`/usr/bin/node ${CLI} check --config ${cfg} >/dev/null`);
    expect(run.code).toBe(0);
    expect(run.mail).toMatch(/FAILED to send to dingtalk \(llm\): DingTalk errcode 310000 sign not match/);
    expect(dt.delivered()).toHaveLength(0);
    const got = fs_.delivered();
    expect(got).toHaveLength(1);
    const text = feishuText(got[0]);
    expect(text).toContain("llm");
    expect(text).toContain("errcode 310000 sign not match");
    expect(text).toContain("check `secret` and the system clock");
    expect(text).toContain("watchdog test-notify dingtalk");
    // The next step, while DingTalk still fails: Feishu again gets one message, not one per route.
    await runAsCron(`/usr/bin/node ${CLI} check --config ${cfg} >/dev/null`);
    expect(fs_.delivered()).toHaveLength(2);
    expect(feishuText(fs_.delivered()[1])).toContain("escalation step 2");
  });
});
