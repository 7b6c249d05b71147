import type { Message } from "../../../engine/types.js";
import { renderText } from "../../render.js";
import type { Locale } from "../../types.js";
import type { WebhookConfig } from "./schema.js";

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
