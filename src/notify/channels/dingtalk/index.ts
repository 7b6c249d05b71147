import { createHmac } from "node:crypto";
import { postingChannel, readErrcode, vendorOutcome } from "../../http.js";
import type { Channel, ChannelContext } from "../../types.js";
import { defineChannel } from "../../define.js";
import { starter } from "./starter.js";
import { CODES } from "./codes.js";
import { dingtalkConfigSchema, type DingTalkConfig } from "./schema.js";
import { buildDingTalkBody } from "./body.js";

// DingTalk custom robot (自定义机器人): https://open.dingtalk.com/document/group/custom-robot-access
// Wire contract: docs/vendors.md §1.

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

/** createDingTalkChannel posts markdown (or text) to a DingTalk robot and reads its errcode. */
export function createDingTalkChannel(cfg: DingTalkConfig, ctx: ChannelContext): Channel {
  return postingChannel(
    ctx,
    "dingtalk",
    cfg.webhook,
    (message) => ({
      url: signedDingTalkUrl(cfg.webhook, cfg.secret, ctx.deps.clock.now()),
      body: buildDingTalkBody(message, cfg, ctx.locale),
    }),
    (answer, where) => vendorOutcome(answer, "DingTalk", where, readErrcode, CODES),
  );
}

/** dingtalkChannel is the registry entry of a DingTalk channel. */
export const dingtalkChannel = defineChannel(dingtalkConfigSchema, createDingTalkChannel, {
  rateLimit: { max: 20, per: 60_000 },
  aliases: ["ding"],
  starter,
  secrets: ["secret"],
});
