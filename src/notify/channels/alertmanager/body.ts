import type { Message, NotifyItem } from "../../../engine/types.js";
import { renderText } from "../../render.js";
import type { ChannelContext } from "../../types.js";
import type { AlertmanagerConfig } from "./schema.js";

/** PostableAlert is one element of the POST /api/v2/alerts body. */
export type PostableAlert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
};

const TEST_TTL = 5 * 60_000;

/** ttlOf is how far in the future a firing alert's endsAt is set. */
export function ttlOf(cfg: Pick<AlertmanagerConfig, "ttl" | "resend_every">): number {
  return cfg.ttl ?? Math.max(10 * 60_000, 3 * cfg.resend_every);
}

/**
 * buildAlertmanagerAlerts turns a message into Alertmanager alerts. Labels identify an alert, so they are the same on
 * every re-send: alertname (the check), instance (the host), severity, plus the check's own labels (ours win a clash).
 * A recovery sets endsAt to the time it was seen. A firing alert gets endsAt = now + ttl, so that a watchdog that
 * stops running lets its alerts expire like Prometheus does. When an incident turns critical, the warning alert it
 * began as is resolved in the same call, and a recovery resolves both, so no stale warning is left behind.
 */
export function buildAlertmanagerAlerts(
  message: Message,
  cfg: Pick<AlertmanagerConfig, "ttl" | "resend_every" | "generator_url">,
  now: number,
  locale: ChannelContext["locale"],
): PostableAlert[] {
  const alerts: PostableAlert[] = [];
  // A merged message (outbox retries, refreshes) may speak of a check twice: the latest item is its current truth.
  const latest = new Map(message.items.map((i) => [i.check, i]));
  for (const item of latest.values()) {
    const resolved = item.reason === "recovered";
    // `watchdog test-notify` fires a real alert (so routing is tested too) that expires on its own after 5 minutes.
    const test = item.reason === "test";
    const labels = { ...(item.labels ?? {}), alertname: item.check, instance: message.host, severity: item.severity };
    const endsAt = iso(resolved ? Math.min(message.createdAt, now) : now + (test ? TEST_TTL : ttlOf(cfg)));
    const alert: PostableAlert = {
      labels,
      annotations: annotationsOf(item, message, locale),
      startsAt: iso(item.since),
      endsAt,
    };
    if (cfg.generator_url) alert.generatorURL = cfg.generator_url;
    alerts.push(alert);
    if (item.severity === "critical" && !test) {
      alerts.push({
        labels: { ...labels, severity: "warning" },
        annotations: alert.annotations,
        startsAt: alert.startsAt,
        endsAt: iso(Math.min(message.createdAt, now)),
      });
    }
  }
  return alerts;
}

function annotationsOf(item: NotifyItem, message: Message, locale: ChannelContext["locale"]): Record<string, string> {
  const { text } = renderText({ ...message, items: [item], fallbackFrom: undefined }, locale);
  const out: Record<string, string> = { summary: item.summary, description: text };
  if (item.cause) out.cause = item.cause;
  if (item.runbook) out.runbook = item.runbook;
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
