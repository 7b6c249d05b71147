import { z } from "zod";
import type { Message } from "../../engine/types.js";
import { httpUrl } from "../../core/fields.js";
import { classifyHttpStatus, describeEndpoint, postJson } from "../http.js";
import { renderText } from "../render.js";
import type { Channel, ChannelContext, Locale } from "../types.js";

/** webhookConfigSchema is a `type: webhook` channel: a JSON POST to any URL. */
export const webhookConfigSchema = z.strictObject({
  type: z.literal("webhook"),
  url: httpUrl,
  headers: z.record(z.string(), z.string()).default({}),
  /**
   * A JSON body with placeholders, e.g. `{"text": "{{subject}}\n{{text}}"}`. Each {{name}} becomes the value, escaped
   * for a JSON string: id, host, subject, text, markdown, status, checks, severity. Without it the full message is
   * sent.
   */
  template: z.string().min(2).optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

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

/** buildWebhookBody is the pure part: the template filled in, or the message as JSON. Returns the body text. */
export function buildWebhookBody(message: Message, cfg: WebhookConfig, locale: Locale): string {
  const r = renderText(message, locale);
  const worst = message.items.find((i) => i.severity === "critical") ?? message.items[0];
  const fields: Record<string, string> = {
    id: message.id,
    host: message.host,
    subject: r.subject,
    text: r.text,
    markdown: r.markdown,
    status: worst?.status ?? "",
    severity: worst?.severity ?? "",
    checks: message.items.map((i) => i.check).join(", "),
  };
  if (cfg.template) {
    return cfg.template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) =>
      Object.hasOwn(fields, name) ? JSON.stringify(fields[name]).slice(1, -1) : m,
    );
  }
  return JSON.stringify({
    id: message.id,
    ids: message.mergedIds ?? [message.id],
    host: message.host,
    createdAt: new Date(message.createdAt).toISOString(),
    subject: r.subject,
    text: r.text,
    fallbackFrom: message.fallbackFrom,
    notice: message.notice,
    items: message.items.map((i) => ({
      check: i.check,
      reason: i.reason,
      status: i.status,
      severity: i.severity,
      summary: i.summary,
      failStreak: i.failStreak,
      since: new Date(i.since).toISOString(),
      cause: i.cause,
      runbook: i.runbook,
    })),
  });
}
