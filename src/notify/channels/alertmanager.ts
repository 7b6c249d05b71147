import http from "node:http";
import https from "node:https";
import { z } from "zod";
import { duration, httpUrl, stringList } from "../../core/fields.js";
import type { Message, NotifyItem } from "../../engine/types.js";
import { renderText } from "../render.js";
import { fail, type Channel, type ChannelContext, type SendOutcome } from "../types.js";

/**
 * alertmanagerConfigSchema is a `type: alertmanager` channel: alerts POSTed to Alertmanager's API v2.
 * See reference/channels.md §7 and prometheus/alertmanager api/v2/openapi.yaml (postAlerts).
 */
export const alertmanagerConfigSchema = z.strictObject({
  type: z.literal("alertmanager"),
  /** One URL, or every member of an HA cluster: each gets every alert; one accepting is enough. */
  urls: stringList.pipe(z.array(httpUrl).min(1)),
  /** How often an open incident is re-sent so Alertmanager does not resolve it on its own; 0 = every run. */
  resend_every: duration.default(0),
  /** How long Alertmanager keeps a firing alert without a re-send (its endsAt); default max(10m, 3 × resend_every). */
  ttl: duration.optional(),
  generator_url: z.string().url().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  insecure: z.boolean().default(false),
});
export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;

/** PostableAlert is one element of the POST /api/v2/alerts body. */
export type PostableAlert = { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL?: string };

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
export function buildAlertmanagerAlerts(message: Message, cfg: Pick<AlertmanagerConfig, "ttl" | "resend_every" | "generator_url">, now: number, locale: ChannelContext["locale"]): PostableAlert[] {
  const alerts: PostableAlert[] = [];
  // A merged message (outbox retries, refreshes) may speak of a check twice: the latest item is its current truth.
  const latest = new Map(message.items.map((i) => [i.check, i]));
  for (const item of latest.values()) {
    const resolved = item.reason === "recovered";
    // `watchdog test-notify` fires a real alert (so routing is tested too) that expires on its own after 5 minutes.
    const test = item.reason === "test";
    const labels = { ...(item.labels ?? {}), alertname: item.check, instance: message.host, severity: item.severity };
    const endsAt = iso(resolved ? Math.min(message.createdAt, now) : now + (test ? TEST_TTL : ttlOf(cfg)));
    const alert: PostableAlert = { labels, annotations: annotationsOf(item, message, locale), startsAt: iso(item.since), endsAt };
    if (cfg.generator_url) alert.generatorURL = cfg.generator_url;
    alerts.push(alert);
    if (item.severity === "critical" && !test) {
      alerts.push({ labels: { ...labels, severity: "warning" }, annotations: alert.annotations, startsAt: alert.startsAt, endsAt: iso(Math.min(message.createdAt, now)) });
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

/** createAlertmanagerChannel posts to every URL at once and succeeds when at least one accepts. */
export function createAlertmanagerChannel(cfg: AlertmanagerConfig, ctx: ChannelContext): Channel {
  return {
    name: ctx.name,
    type: "alertmanager",
    async send(message, signal) {
      const body = JSON.stringify(buildAlertmanagerAlerts(message, cfg, ctx.deps.clock.now(), ctx.locale));
      const outcomes = await Promise.all(cfg.urls.map((u) => postAlerts(u, body, cfg, signal)));
      const ok = outcomes.find((o) => o.ok);
      if (ok) return ok;
      const failures = outcomes.filter((o): o is Extract<SendOutcome, { ok: false }> => !o.ok);
      const retryable = failures.some((f) => f.retryable);
      const first = failures.find((f) => f.retryable === retryable) ?? failures[0]!;
      const error = failures.map((f) => f.error).join("; ");
      return { ...first, retryable, error };
    },
  };
}

/** postAlerts sends one POST /api/v2/alerts; 2xx is ok, 5xx and network errors are retryable, 4xx is not. */
function postAlerts(base: string, body: string, cfg: AlertmanagerConfig, signal: AbortSignal): Promise<SendOutcome> {
  let url: URL;
  try {
    url = new URL(`${base.replace(/\/+$/, "")}/api/v2/alerts`);
  } catch {
    return Promise.resolve(fail("config", false, "invalid Alertmanager URL"));
  }
  // Only the origin goes into messages: the URL may carry basic-auth credentials.
  const where = `${url.protocol}//${url.host}`;
  const auth = url.username ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}` : undefined;
  const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...cfg.headers };
  if (auth) headers.authorization = auth;
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const req = lib.request(url, { method: "POST", headers, signal, rejectUnauthorized: !cfg.insecure }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      res.on("error", () => resolve(fail("network", true, `${where}: connection lost while reading the answer`)));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const answer = Buffer.concat(chunks).toString("utf8").slice(0, 300).trim();
        if (status >= 200 && status < 300) return resolve({ ok: true, response: `${where}: HTTP ${status}` });
        const msg = `${where}: HTTP ${status}${answer ? `: ${answer}` : ""}`;
        if (status === 429) return resolve(fail("rate_limited", true, msg));
        if (status >= 500) return resolve(fail("server", true, msg));
        if (status === 401 || status === 403) return resolve(fail("auth", false, msg, "check the credentials in the URL or `headers`"));
        resolve(fail("client", false, msg, status === 400 ? "Alertmanager rejected the alerts (labels or times invalid)" : undefined));
      });
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (signal.aborted) return resolve(fail("timeout", true, `${where}: no answer before the deadline`));
      resolve(fail("network", true, `${where}: ${err.code ?? err.message}`));
    });
    req.end(body);
  });
}
