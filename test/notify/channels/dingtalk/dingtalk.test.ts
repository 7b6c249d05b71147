import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildDingTalkBody } from "../../../../src/notify/channels/dingtalk/body.js";
import {
  createDingTalkChannel,
  signDingTalk,
  signedDingTalkUrl,
} from "../../../../src/notify/channels/dingtalk/index.js";
import { dingtalkConfigSchema } from "../../../../src/notify/channels/dingtalk/schema.js";
import { startDingTalk } from "./fake.js";
import { closedAfterEach, ctx, deadline, item, message } from "../../fixtures.js";

const SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
const cfg = (over: Record<string, unknown> = {}) =>
  dingtalkConfigSchema.parse({
    type: "dingtalk",
    webhook: "https://oapi.dingtalk.com/robot/send?access_token=TOKEN",
    ...over,
  });

const keep = closedAfterEach();

describe("dingtalk: pure parts", () => {
  it("signs like the vendor: HMAC-SHA256 keyed by the secret over timestamp\\nsecret, Base64, URL-encoded once", () => {
    const ts = 1700000000000;
    const raw = createHmac("sha256", SECRET).update(`${ts}\n${SECRET}`).digest("base64");
    expect(signDingTalk(ts, SECRET)).toBe(encodeURIComponent(raw));
    expect(decodeURIComponent(signDingTalk(ts, SECRET))).toBe(raw);
    expect(signedDingTalkUrl("https://x/robot/send?access_token=T", SECRET, ts)).toBe(
      `https://x/robot/send?access_token=T&timestamp=${ts}&sign=${encodeURIComponent(raw)}`,
    );
    expect(signedDingTalkUrl("https://x/robot/send?access_token=T", undefined, ts)).toBe(
      "https://x/robot/send?access_token=T",
    );
  });

  it("builds a markdown body with a title and the @mobile text so the mention renders", () => {
    const body = buildDingTalkBody(
      message("dingtalk"),
      cfg({ at_mobiles: [13800000000], keyword: "告警" }),
      "zh-CN",
    ) as any;
    expect(body.msgtype).toBe("markdown");
    expect(body.markdown.title.startsWith("告警 ")).toBe(true);
    expect(body.markdown.text).toContain("@13800000000");
    expect(body.at).toEqual({ atMobiles: ["13800000000"], atUserIds: [], isAtAll: false });
    expect(body).toMatchSnapshot();
  });

  it("builds a text body in English", () => {
    expect(buildDingTalkBody(message("dingtalk"), cfg({ msgtype: "text", at_all: true }), "en")).toMatchSnapshot();
  });

  it("cuts a huge message below 20000 bytes, mentions kept", () => {
    const big = message("dingtalk", [
      item({ excerpt: Array.from({ length: 400 }, (_, i) => `第${i}行 CUDA out of memory 显存不足`) }),
    ]);
    const body = buildDingTalkBody(big, cfg({ at_mobiles: ["13800000000"] }), "zh-CN") as any;
    expect(Buffer.byteLength(JSON.stringify(body), "utf8")).toBeLessThan(20_000);
    expect(body.markdown.text.endsWith("@13800000000")).toBe(true);
    expect(body.markdown.text).not.toContain("\uFFFD");
  });
});

describe("dingtalk: against a robot that checks like the vendor", () => {
  it("delivers a signed message", async () => {
    const server = keep(await startDingTalk({ secret: SECRET }));
    const ch = createDingTalkChannel(
      cfg({ webhook: server.url, secret: SECRET }),
      ctx("dingtalk", "zh-CN", Date.now()),
    );
    const out = await ch.send(message("dingtalk"), deadline());
    expect(out).toMatchObject({ ok: true });
    expect(server.delivered()).toHaveLength(1);
    expect(server.received[0]!.url).toMatch(/&timestamp=\d+&sign=[^&]+$/);
  });

  it("a wrong secret is errcode 310000: permanent, with a hint, and no secret or token in the error", async () => {
    const server = keep(await startDingTalk({ secret: SECRET, token: "tok-SECRET-123" }));
    const ch = createDingTalkChannel(
      cfg({ webhook: server.url, secret: "SECwrongwrongwrong" }),
      ctx("dingtalk", "en", Date.now()),
    );
    const out = await ch.send(message("dingtalk"), deadline());
    expect(out).toMatchObject({
      ok: false,
      retryable: false,
      reason: "auth",
      error: "DingTalk errcode 310000 sign not match",
      hint: "check `secret` and the system clock",
    });
    expect(JSON.stringify(out)).not.toMatch(/SECwrong|tok-SECRET/);
  });

  it("a clock more than an hour off is 310000 invalid timestamp", async () => {
    const server = keep(await startDingTalk({ secret: SECRET }));
    const ch = createDingTalkChannel(
      cfg({ webhook: server.url, secret: SECRET }),
      ctx("dingtalk", "en", Date.now() - 2 * 3_600_000),
    );
    expect(await ch.send(message("dingtalk"), deadline())).toMatchObject({
      ok: false,
      retryable: false,
      hint: expect.stringContaining("clock"),
    });
  });

  it("a missing keyword is 310000 keywords not in content; setting `keyword` fixes it", async () => {
    const server = keep(await startDingTalk({ keywords: ["告警"] }));
    const bad = await createDingTalkChannel(cfg({ webhook: server.url }), ctx("dingtalk", "en")).send(
      message("dingtalk"),
      deadline(),
    );
    expect(bad).toMatchObject({ ok: false, retryable: false, hint: expect.stringContaining("keyword") });
    const good = await createDingTalkChannel(cfg({ webhook: server.url, keyword: "告警" }), ctx("dingtalk", "en")).send(
      message("dingtalk"),
      deadline(),
    );
    expect(good.ok).toBe(true);
  });

  it("the 21st message in a minute is errcode 130101: retryable", async () => {
    const server = keep(await startDingTalk());
    const ch = createDingTalkChannel(cfg({ webhook: server.url }), ctx("dingtalk"));
    const outs = [];
    for (let i = 0; i < 21; i++) outs.push(await ch.send(message("dingtalk"), deadline()));
    expect(outs.slice(0, 20).every((o) => o.ok)).toBe(true);
    expect(outs[20]).toMatchObject({
      ok: false,
      retryable: true,
      reason: "rate_limited",
      error: expect.stringContaining("130101"),
    });
  });

  it.each([
    ["sign not match", /secret/],
    [
      "description:机器人发送签名不匹配;solution:请确认签名和生成签名的时间戳必须都放在调用的网址中;link:请参考本接口对应文档",
      /secret/,
    ],
    ["keywords not in content", /keyword/],
    ["invalid timestamp", /clock/],
    ["ip 1.2.3.4 not in whitelist", /allowlist/],
  ])("errcode 310000 %s → permanent, hint %s", async (errmsg, hint) => {
    const server = keep(await startDingTalk());
    await server.setMode("error", { errcode: 310000, errmsg });
    const out = await createDingTalkChannel(cfg({ webhook: server.url }), ctx("dingtalk")).send(
      message("dingtalk"),
      deadline(),
    );
    expect(out).toMatchObject({ ok: false, retryable: false });
    expect(out.ok ? "" : out.hint).toMatch(hint);
  });
});
