import { classifyHttpStatus, postingChannel } from "../../http.js";
import type { Channel, ChannelContext } from "../../types.js";
import { defineChannel } from "../../define.js";
import { starter } from "./starter.js";
import { webhookConfigSchema, type WebhookConfig } from "./schema.js";
import { buildWebhookBody } from "./body.js";

/** createWebhookChannel POSTs JSON: 2xx ok, 429/5xx/network retryable, other 4xx permanent. */
export function createWebhookChannel(cfg: WebhookConfig, ctx: ChannelContext): Channel {
  return postingChannel(
    ctx,
    "webhook",
    cfg.url,
    (message) => ({ url: cfg.url, body: buildWebhookBody(message, cfg, ctx.locale), headers: cfg.headers }),
    (answer, where) => {
      const outcome = classifyHttpStatus(answer.status, where, answer.text);
      return outcome.ok
        ? { ok: true, response: `HTTP ${answer.status} ${answer.text.slice(0, 200)}`.trim() }
        : { ...outcome, response: answer.text.slice(0, 300) };
    },
  );
}

/** webhookChannel is the registry entry of a webhook channel. */
export const webhookChannel = defineChannel(webhookConfigSchema, createWebhookChannel, { starter });
