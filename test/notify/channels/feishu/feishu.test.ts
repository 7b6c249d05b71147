import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildFeishuBody, signFeishu } from "../../../../src/notify/channels/feishu/body.js";
import { createFeishuChannel } from "../../../../src/notify/channels/feishu/index.js";
import { feishuConfigSchema } from "../../../../src/notify/channels/feishu/schema.js";
import { startFeishu } from "./fake.js";
import { closedAfterEach, ctx, deadline, hugeMessage, item, message } from "../../fixtures.js";

const keep = closedAfterEach();

const feishu = (over: Record<string, unknown> = {}) =>
  feishuConfigSchema.parse({ type: "feishu", webhook: "https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN", ...over });

describe("feishu", () => {
  it("signs the reverse of DingTalk: key = timestamp\\nsecret, empty message, Base64", () => {
    const expected = createHmac("sha256", "1599360473\nmysecret").update("").digest("base64");
    expect(signFeishu(1599360473, "mysecret")).toBe(expected);
  });

  it("post body with title, lines and @all, signed (snapshot)", () => {
    const body = buildFeishuBody(message("feishu"), feishu({ secret: "mysecret", at_all: true }), "zh-CN", 1599360473);
    expect(body).toMatchObject({ timestamp: "1599360473", sign: signFeishu(1599360473, "mysecret"), msg_type: "post" });
    expect(body).toMatchSnapshot();
  });

  it("a huge message stays under 20 KB", () => {
    const body = buildFeishuBody(hugeMessage(), feishu(), "zh-CN", 1);
    expect(Buffer.byteLength(JSON.stringify(body), "utf8")).toBeLessThanOrEqual(20 * 1024);
  });

  it("delivers signed to a bot that verifies; a wrong secret is code 19021 with a hint", async () => {
    const server = keep(await startFeishu({ secret: "right-secret" }));
    const ok = await createFeishuChannel(
      feishu({ webhook: server.url, secret: "right-secret" }),
      ctx("feishu", "zh-CN", Date.now()),
    ).send(hugeMessage(), deadline());
    expect(ok).toMatchObject({ ok: true });
    const bad = await createFeishuChannel(
      feishu({ webhook: server.url, secret: "wrong-secret-XYZ" }),
      ctx("feishu", "en", Date.now()),
    ).send(message("feishu"), deadline());
    expect(bad).toMatchObject({
      ok: false,
      retryable: false,
      reason: "auth",
      error: expect.stringContaining("Feishu code 19021"),
      hint: expect.stringContaining("secret"),
    });
    expect(JSON.stringify(bad)).not.toContain("wrong-secret-XYZ");
  });

  it("11232 (frequency limit) is retryable; a bad token is 19001, permanent", async () => {
    const server = keep(await startFeishu({ perMinute: 1 }));
    const ch = createFeishuChannel(feishu({ webhook: server.url }), ctx("feishu"));
    expect((await ch.send(message("feishu"), deadline())).ok).toBe(true);
    expect(await ch.send(message("feishu"), deadline())).toMatchObject({
      ok: false,
      retryable: true,
      reason: "rate_limited",
    });
    const bad = await createFeishuChannel(
      feishu({ webhook: `${server.origin}/open-apis/bot/v2/hook/nope` }),
      ctx("feishu"),
    ).send(message("feishu"), deadline());
    expect(bad).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining("19001") });
  });
});
