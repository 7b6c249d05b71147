import { postingChannel, vendorOutcome } from "../../http.js";
import type { Channel, ChannelContext } from "../../types.js";
import { defineChannel } from "../../define.js";
import { starter } from "./starter.js";
import { CODES } from "./codes.js";
import { feishuConfigSchema, type FeishuConfig } from "./schema.js";
import { buildFeishuBody } from "./body.js";

// Feishu / Lark custom bot (自定义机器人): https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
// Wire contract: docs/vendors.md §3.

/** createFeishuChannel posts a rich-text (post) message to a Feishu bot and reads its `code`. */
export function createFeishuChannel(cfg: FeishuConfig, ctx: ChannelContext): Channel {
  return postingChannel(
    ctx,
    "feishu",
    cfg.webhook,
    (message) => ({
      url: cfg.webhook,
      body: buildFeishuBody(message, cfg, ctx.locale, Math.floor(ctx.deps.clock.now() / 1000)),
    }),
    (answer, where) => vendorOutcome(answer, "Feishu", where, readFeishuCode, CODES),
  );
}

/** readFeishuCode reads a Feishu answer: new answers carry `code`, old ones only `StatusCode`. */
function readFeishuCode(j: Record<string, unknown>): { code: number | undefined; msg: string } {
  const code = typeof j.code === "number" ? j.code : typeof j.StatusCode === "number" ? j.StatusCode : undefined;
  return { code, msg: String(j.msg ?? j.StatusMessage ?? "") };
}

/** feishuChannel is the registry entry of a Feishu channel. */
export const feishuChannel = defineChannel(feishuConfigSchema, createFeishuChannel, {
  rateLimit: { max: 100, per: 60_000 },
  aliases: ["lark"],
  starter,
  secrets: ["secret"],
});
