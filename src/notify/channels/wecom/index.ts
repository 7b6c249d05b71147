import { postingChannel, readErrcode, vendorOutcome } from "../../http.js";
import type { Channel, ChannelContext } from "../../types.js";
import { defineChannel } from "../../define.js";
import { starter } from "./starter.js";
import { CODES } from "./codes.js";
import { wecomConfigSchema, type WeComConfig } from "./schema.js";
import { buildWeComBody } from "./body.js";

// WeCom (企业微信) group robot: https://developer.work.weixin.qq.com/document/path/91770
// Error codes: https://open.work.weixin.qq.com/devtool/query . Wire contract: docs/vendors.md §2.

/** createWeComChannel posts markdown or text to a WeCom robot and reads its errcode. */
export function createWeComChannel(cfg: WeComConfig, ctx: ChannelContext): Channel {
  return postingChannel(
    ctx,
    "wecom",
    cfg.webhook,
    (message) => ({ url: cfg.webhook, body: buildWeComBody(message, cfg, ctx.locale) }),
    (answer, where) => vendorOutcome(answer, "WeCom", where, readErrcode, CODES),
  );
}

/** wecomChannel is the registry entry of a WeCom channel. */
export const wecomChannel = defineChannel(wecomConfigSchema, createWeComChannel, {
  rateLimit: { max: 20, per: 60_000 },
  aliases: ["wechat", "wechat-work"],
  starter,
});
