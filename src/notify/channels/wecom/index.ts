import { describeEndpoint, postJson, vendorOutcome } from "../../http.js";
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
  const where = describeEndpoint(cfg.webhook);
  return {
    name: ctx.name,
    type: "wecom",
    async send(message, signal) {
      const res = await postJson(cfg.webhook, buildWeComBody(message, cfg, ctx.locale), signal);
      if (!res.ok) return res.outcome;
      return vendorOutcome(
        res.answer,
        "WeCom",
        where,
        (j) => ({ code: typeof j.errcode === "number" ? j.errcode : undefined, msg: String(j.errmsg ?? "") }),
        CODES,
      );
    },
  };
}

/** wecomChannel is the registry entry of a WeCom channel. */
export const wecomChannel = defineChannel(wecomConfigSchema, createWeComChannel, {
  rateLimit: { max: 20, per: 60_000 },
  aliases: ["wechat", "wechat-work"],
  starter,
});
