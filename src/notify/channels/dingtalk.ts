import { createHmac } from "node:crypto";
import { z } from "zod";
import type { Message } from "../../engine/types.js";
import { httpUrl } from "../../core/fields.js";
import { describeEndpoint, fitJson, postJson, vendorOutcome, type VendorCode } from "../http.js";
import { renderText } from "../render.js";
import type { Channel, ChannelContext, Locale } from "../types.js";

// DingTalk custom robot (自定义机器人): https://open.dingtalk.com/document/group/custom-robot-access
// Wire contract: docs/vendors.md §1.

/** dingtalkConfigSchema is a `type: dingtalk` channel: a group robot webhook, optionally signed (加签). */
export const dingtalkConfigSchema = z.strictObject({
  type: z.literal("dingtalk"),
  /** https://oapi.dingtalk.com/robot/send?access_token=... */
  webhook: httpUrl,
  /** The robot's SEC... signing secret, when 加签 is enabled. */
  secret: z.string().min(1).optional(),
  /** Prepended to the title, for robots secured by a custom keyword. */
  keyword: z.string().min(1).optional(),
  at_mobiles: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  at_user_ids: z.array(z.string()).default([]),
  at_all: z.boolean().default(false),
  msgtype: z.enum(["markdown", "text"]).default("markdown"),
});
export type DingTalkConfig = z.infer<typeof dingtalkConfigSchema>;

/** DINGTALK_MAX_BYTES keeps a body under the robot's 20000-byte limit (errcode 460101). */
export const DINGTALK_MAX_BYTES = 19_500;

/** signDingTalk is 加签: Base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)), URL-encoded once. */
export function signDingTalk(timestampMs: number, secret: string): string {
  return encodeURIComponent(createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64"));
}

/** signedDingTalkUrl appends timestamp and sign to the webhook when a secret is set. */
export function signedDingTalkUrl(webhook: string, secret: string | undefined, timestampMs: number): string {
  if (!secret) return webhook;
  const sep = webhook.includes("?") ? "&" : "?";
  return `${webhook}${sep}timestamp=${timestampMs}&sign=${signDingTalk(timestampMs, secret)}`;
}

// errcode → failure. Match on the code, never on the text (DingTalk rewords its messages).
const CODES: Record<number, VendorCode | ((msg: string) => VendorCode)> = {
  // 310000 covers every security check; newer answers are "description:...;solution:..." in Chinese, so test the sign
  // first (its solution text mentions the timestamp too), and "ip" only as a word ("description" contains it).
  310000: (msg) =>
    /sign|签名/i.test(msg) && !/keyword|关键词/i.test(msg)
      ? { reason: "auth", retryable: false, hint: "check `secret` and the system clock" }
      : /keyword|关键词/i.test(msg)
        ? {
            reason: "config",
            retryable: false,
            hint: "the robot's custom keyword is not in the message: set `keyword` to it",
          }
        : /timestamp|时间戳/i.test(msg)
          ? { reason: "auth", retryable: false, hint: "the system clock is more than an hour off: fix NTP" }
          : /\bip\b|白名单/i.test(msg)
            ? { reason: "config", retryable: false, hint: "this host's IP is not in the robot's IP allowlist" }
            : { reason: "auth", retryable: false, hint: "check `secret` and the system clock" },
  130101: {
    reason: "rate_limited",
    retryable: true,
    hint: "more than 20 messages a minute: DingTalk throttles the robot for 10 minutes",
  },
  460101: { reason: "client", retryable: false, hint: "message over 20000 bytes" },
  101002: { reason: "client", retryable: false, hint: "message too long" },
  90030: { reason: "rate_limited", retryable: true, hint: "the organisation's webhook quota is spent" },
  300001: { reason: "auth", retryable: false, hint: "check the `access_token` in `webhook`" },
  400102: { reason: "config", retryable: false, hint: "the robot is disabled" },
};

/** createDingTalkChannel posts markdown (or text) to a DingTalk robot and reads its errcode. */
export function createDingTalkChannel(cfg: DingTalkConfig, ctx: ChannelContext): Channel {
  const where = describeEndpoint(cfg.webhook);
  return {
    name: ctx.name,
    type: "dingtalk",
    async send(message, signal) {
      const url = signedDingTalkUrl(cfg.webhook, cfg.secret, ctx.deps.clock.now());
      const res = await postJson(url, buildDingTalkBody(message, cfg, ctx.locale), signal);
      if (!res.ok) return res.outcome;
      return vendorOutcome(
        res.answer,
        "DingTalk",
        where,
        (j) => ({ code: typeof j.errcode === "number" ? j.errcode : undefined, msg: String(j.errmsg ?? "") }),
        CODES,
      );
    },
  };
}

/**
 * buildDingTalkBody is the pure part: the robot's JSON, with @mentions in the text so they render, under 20000 bytes.
 */
export function buildDingTalkBody(message: Message, cfg: DingTalkConfig, locale: Locale) {
  const r = renderText(message, locale);
  const title = cfg.keyword ? `${cfg.keyword} ${r.subject}` : r.subject;
  const mentions = [...cfg.at_mobiles, ...cfg.at_user_ids].map((m) => `@${m}`);
  if (cfg.at_all) mentions.push("@all");
  const at = { atMobiles: cfg.at_mobiles, atUserIds: cfg.at_user_ids, isAtAll: cfg.at_all };
  const tail = mentions.length ? `\n\n${mentions.join(" ")}` : "";
  const keywordLine = cfg.keyword && cfg.msgtype === "text" ? `${cfg.keyword}\n` : "";
  if (cfg.msgtype === "text") {
    return fitJson(`${keywordLine}${r.subject}\n\n${r.text}`, DINGTALK_MAX_BYTES - Buffer.byteLength(tail), (t) => ({
      msgtype: "text" as const,
      text: { content: t + tail },
      at,
    }));
  }
  return fitJson(r.markdown, DINGTALK_MAX_BYTES - Buffer.byteLength(tail), (t) => ({
    msgtype: "markdown" as const,
    markdown: { title, text: t + tail },
    at,
  }));
}
