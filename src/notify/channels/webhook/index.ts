import { classifyHttpStatus, describeEndpoint, postJson } from "../../http.js";
import type { Channel, ChannelContext } from "../../types.js";
import { defineChannel } from "../../define.js";
import { starter } from "./starter.js";
import { webhookConfigSchema, type WebhookConfig } from "./schema.js";
import { buildWebhookBody } from "./body.js";

/** createWebhookChannel POSTs JSON: 2xx ok, 429/5xx/network retryable, other 4xx permanent. */
export function createWebhookChannel(cfg: WebhookConfig, ctx: ChannelContext): Channel {
  const where = describeEndpoint(cfg.url);
  return {
    name: ctx.name,
    type: "webhook",
    async send(message, signal) {
      const res = await postJson(cfg.url, buildWebhookBody(message, cfg, ctx.locale), signal, cfg.headers);
      if (!res.ok) return res.outcome;
      const outcome = classifyHttpStatus(res.answer.status, where, res.answer.text);
      return outcome.ok
        ? { ok: true, response: `HTTP ${res.answer.status} ${res.answer.text.slice(0, 200)}`.trim() }
        : { ...outcome, response: res.answer.text.slice(0, 300) };
    },
  };
}

/** webhookChannel is the registry entry of a webhook channel. */
export const webhookChannel = defineChannel(webhookConfigSchema, createWebhookChannel, { starter });
