import { createHmac } from "node:crypto";
import { z } from "zod";
import type { Message } from "../../engine/types.js";
import { httpUrl } from "../../core/fields.js";
import { describeEndpoint, fitJson, postJson, vendorOutcome, type VendorCode } from "../http.js";
import { renderText } from "../render.js";
import type { Channel, ChannelContext, Locale } from "../types.js";

// Feishu / Lark custom bot (自定义机器人): https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
// Wire contract: docs/vendors.md §3.

/** feishuConfigSchema is a `type: feishu` channel: a custom bot webhook, optionally signed. */
export const feishuConfigSchema = z.strictObject({
  type: z.literal("feishu"),
  /** https://open.feishu.cn/open-apis/bot/v2/hook/<token> (or open.larksuite.com for Lark) */
  webhook: httpUrl,
  /** The bot's signing secret (签名校验), when enabled. */
  secret: z.string().min(1).optional(),
  /** Open ids (ou_...) to @mention; "all" mentions everyone. */
  at_user_ids: z.array(z.string()).default([]),
  at_all: z.boolean().default(false),
});
export type FeishuConfig = z.infer<typeof feishuConfigSchema>;

/** FEISHU_MAX_BYTES keeps a body under the bot's 20 KB limit (code 9499 past it). */
export const FEISHU_MAX_BYTES = 19_000;

/**
 * signFeishu is the reverse of DingTalk: key = timestamp(seconds) + "\n" + secret, message empty, Base64, no
 * URL-encoding (it travels in the JSON body).
 */
export function signFeishu(timestampSec: number, secret: string): string {
  return createHmac("sha256", `${timestampSec}\n${secret}`).update(Buffer.alloc(0)).digest("base64");
}

const CODES: Record<number, VendorCode> = {
  19021: {
    reason: "auth",
    retryable: false,
    hint: "check `secret` and the system clock (the timestamp must be within an hour)",
  },
  19022: { reason: "config", retryable: false, hint: "this host's IP is not in the bot's IP allowlist" },
  19024: { reason: "config", retryable: false, hint: "the bot's keyword is not in the message" },
  19001: { reason: "auth", retryable: false, hint: "check the token in `webhook`" },
  9499: { reason: "client", retryable: false, hint: "malformed or too large body" },
  11232: { reason: "rate_limited", retryable: true, hint: "Feishu frequency limit (100/min, 5/s per bot)" },
};

/** createFeishuChannel posts a rich-text (post) message to a Feishu bot and reads its `code`. */
export function createFeishuChannel(cfg: FeishuConfig, ctx: ChannelContext): Channel {
  const where = describeEndpoint(cfg.webhook);
  return {
    name: ctx.name,
    type: "feishu",
    async send(message, signal) {
      const body = buildFeishuBody(message, cfg, ctx.locale, Math.floor(ctx.deps.clock.now() / 1000));
      const res = await postJson(cfg.webhook, body, signal);
      if (!res.ok) return res.outcome;
      return vendorOutcome(
        res.answer,
        "Feishu",
        where,
        // New answers carry `code`; old ones only `StatusCode`.
        (j) => ({
          code: typeof j.code === "number" ? j.code : typeof j.StatusCode === "number" ? j.StatusCode : undefined,
          msg: String(j.msg ?? j.StatusMessage ?? ""),
        }),
        CODES,
      );
    },
  };
}

/** buildFeishuBody is the pure part: a `post` message (title + one paragraph per line), signed when a secret is set. */
export function buildFeishuBody(message: Message, cfg: FeishuConfig, locale: Locale, timestampSec: number) {
  const r = renderText(message, locale);
  const ats = [...cfg.at_user_ids, ...(cfg.at_all ? ["all"] : [])].map((user_id) => ({ tag: "at" as const, user_id }));
  const sign = cfg.secret ? { timestamp: String(timestampSec), sign: signFeishu(timestampSec, cfg.secret) } : {};
  return fitJson(r.text, FEISHU_MAX_BYTES, (text) => {
    const content: ({ tag: "text"; text: string } | { tag: "at"; user_id: string })[][] = text
      .split("\n")
      .map((line) => [{ tag: "text" as const, text: line }]);
    if (ats.length) content.push(ats);
    return {
      ...sign,
      msg_type: "post" as const,
      content: { post: { [locale === "zh-CN" ? "zh_cn" : "en_us"]: { title: r.subject, content } } },
    };
  });
}
