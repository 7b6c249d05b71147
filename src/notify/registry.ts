import type { z } from "zod";
import { aliyunSmsConfigSchema, createAliyunSmsChannel } from "./channels/aliyun-sms.js";
import { consoleConfigSchema, createConsoleChannel } from "./channels/console.js";
import { createDingTalkChannel, dingtalkConfigSchema } from "./channels/dingtalk.js";
import { createEmailChannel, emailConfigSchema } from "./channels/email.js";
import { createFeishuChannel, feishuConfigSchema } from "./channels/feishu.js";
import { createWebhookChannel, webhookConfigSchema } from "./channels/webhook.js";
import { createWeComChannel, wecomConfigSchema } from "./channels/wecom.js";
import type { RateLimit } from "./policy.js";
import { alertmanagerConfigSchema, createAlertmanagerChannel } from "./channels/alertmanager.js";
import type { Channel, ChannelContext } from "./types.js";

// What config/schema.ts composes its channel schema from: config imports notify through this module only.
export { channelCommon, redactSchema, type ChannelConfig } from "./options.js";

/**
 * ChannelEntry pairs a channel factory with the schema of its config, and the type's defaults: the least severity it
 * receives and the vendor's rate limit (used when the channel sets no `rate_limit`).
 */
export type ChannelEntry = { schema: z.ZodObject; create: (cfg: never, ctx: ChannelContext) => Channel; minSeverity?: "warning" | "critical"; rateLimit?: RateLimit };

/** channels lists every channel type: adding one is one line here plus its own file. */
export const channelTypes = {
  email: { schema: emailConfigSchema, create: createEmailChannel },
  console: { schema: consoleConfigSchema, create: createConsoleChannel },
  "aliyun-sms": { schema: aliyunSmsConfigSchema, create: createAliyunSmsChannel, minSeverity: "critical" },
  dingtalk: { schema: dingtalkConfigSchema, create: createDingTalkChannel, rateLimit: { max: 20, per: 60_000 } },
  wecom: { schema: wecomConfigSchema, create: createWeComChannel, rateLimit: { max: 20, per: 60_000 } },
  feishu: { schema: feishuConfigSchema, create: createFeishuChannel, rateLimit: { max: 100, per: 60_000 } },
  webhook: { schema: webhookConfigSchema, create: createWebhookChannel },
  alertmanager: { schema: alertmanagerConfigSchema, create: createAlertmanagerChannel },
} satisfies Record<string, ChannelEntry>;

/** ChannelType is one of the registered channel type names. */
export type ChannelType = keyof typeof channelTypes;

/** TYPE_ALIASES lets a ladder name a channel by a common word ("sms") when no channel has that name. */
export const TYPE_ALIASES: Record<string, string> = { sms: "aliyun-sms", mail: "email", lark: "feishu", wechat: "wecom", "wechat-work": "wecom", ding: "dingtalk" };

/** createChannels builds every configured channel. */
export function createChannels(configs: Record<string, { type: string }>, ctx: Omit<ChannelContext, "name">): Map<string, Channel> {
  const out = new Map<string, Channel>();
  for (const [name, cfg] of Object.entries(configs)) {
    const entry = (channelTypes as Record<string, ChannelEntry>)[cfg.type];
    if (!entry) continue;
    const channel = entry.create(cfg as never, { ...ctx, name });
    channel.target ??= targetOf(cfg as Record<string, unknown>);
    out.set(name, channel);
  }
  return out;
}

/** targetOf is host:port of a channel's server (SMTP host and port, or the host of its URL), never a token. */
function targetOf(cfg: Record<string, unknown>): string | undefined {
  if (typeof cfg.host === "string") return `${cfg.host}:${typeof cfg.port === "number" ? cfg.port : cfg.secure ? 465 : 587}`;
  const url = [cfg.webhook, cfg.url, cfg.endpoint, Array.isArray(cfg.urls) ? cfg.urls[0] : undefined].find((u) => typeof u === "string");
  if (url === undefined) return undefined;
  try {
    const u = new URL(String(url).includes("://") ? String(url) : `https://${String(url)}`);
    return `${u.hostname}:${u.port || (u.protocol === "http:" ? 80 : 443)}`;
  } catch {
    return undefined;
  }
}
