import { describe, expect, it } from "vitest";
import { buildWeComBody, WECOM_MARKDOWN_MAX } from "../../../../src/notify/channels/wecom/body.js";
import { createWeComChannel } from "../../../../src/notify/channels/wecom/index.js";
import { wecomConfigSchema } from "../../../../src/notify/channels/wecom/schema.js";
import { startWeCom } from "./fake.js";
import { closedAfterEach, ctx, deadline, hugeMessage, item, message } from "../../fixtures.js";

const keep = closedAfterEach();

const wecom = (over: Record<string, unknown> = {}) =>
  wecomConfigSchema.parse({
    type: "wecom",
    webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
    ...over,
  });

describe("wecom", () => {
  it("markdown body (snapshot), with the colour WeCom knows", () => {
    const body = buildWeComBody(message("wecom"), wecom({ at_user_ids: ["zhangsan"] }), "zh-CN");
    expect(body.msgtype).toBe("markdown");
    expect(JSON.stringify(body)).toContain('<font color=\\"comment\\">');
    expect(body).toMatchSnapshot();
  });

  it("text body with mentioned_mobile_list and @all when mobiles or @all are set", () => {
    const body = buildWeComBody(message("wecom"), wecom({ at_mobiles: ["13800001111"], at_all: true }), "en");
    expect(body).toMatchObject({ msgtype: "text", text: { mentioned_mobile_list: ["13800001111", "@all"] } });
    expect(body).toMatchSnapshot();
  });

  it("cuts markdown to 4096 UTF-8 bytes and text to 2048 without breaking a character", () => {
    const md = buildWeComBody(hugeMessage(), wecom(), "zh-CN");
    const mdBytes = Buffer.from(md.msgtype === "markdown" ? md.markdown.content : "", "utf8");
    expect(mdBytes.length).toBeLessThanOrEqual(WECOM_MARKDOWN_MAX);
    expect(mdBytes.toString("utf8")).not.toContain("\uFFFD");
    const tx = buildWeComBody(hugeMessage(), wecom({ msgtype: "text" }), "zh-CN");
    expect(Buffer.byteLength(tx.msgtype === "text" ? tx.text.content : "", "utf8")).toBeLessThanOrEqual(2048);
  });

  it("delivers to a robot that enforces the limits; a huge message still fits", async () => {
    const server = keep(await startWeCom());
    const ch = createWeComChannel(wecom({ webhook: server.url }), ctx("wecom", "zh-CN"));
    expect(await ch.send(hugeMessage(), deadline())).toMatchObject({ ok: true });
    expect(server.delivered()).toHaveLength(1);
  });

  it("a bad key is 93000: permanent, key not in the error; 45009 is retryable", async () => {
    const server = keep(await startWeCom({ key: "right-key" }));
    const bad = await createWeComChannel(
      wecom({ webhook: server.url.replace("right-key", "wrong-key-XYZ") }),
      ctx("wecom"),
    ).send(message("wecom"), deadline());
    expect(bad).toMatchObject({
      ok: false,
      retryable: false,
      reason: "auth",
      error: "WeCom errcode 93000 invalid webhook url",
    });
    expect(JSON.stringify(bad)).not.toContain("wrong-key-XYZ");
    await server.setMode("error");
    const limited = await createWeComChannel(wecom({ webhook: server.url }), ctx("wecom")).send(
      message("wecom"),
      deadline(),
    );
    expect(limited).toMatchObject({
      ok: false,
      retryable: true,
      reason: "rate_limited",
      error: "WeCom errcode 45009 api freq out of limit",
    });
  });

  it("the 21st message in a minute is refused with 45009", async () => {
    const server = keep(await startWeCom());
    const ch = createWeComChannel(wecom({ webhook: server.url }), ctx("wecom"));
    const outs = [];
    for (let i = 0; i < 21; i++) outs.push(await ch.send(message("wecom"), deadline()));
    expect(outs.filter((o) => o.ok)).toHaveLength(20);
    expect(outs[20]).toMatchObject({ ok: false, retryable: true });
  });
});
