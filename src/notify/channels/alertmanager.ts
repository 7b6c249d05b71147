import { z } from "zod";
import { duration, httpUrl, stringList } from "../../core/fields.js";
import type { CheckState, Message, NotifyItem, OutboxEntry } from "../../engine/types.js";
import { httpRequest, type HttpError, type HttpResponse } from "../../net/http-client.js";
import { defineChannel, type KeepAliveInput } from "../define.js";
import { renderText } from "../render.js";
import { fail, type Channel, type ChannelContext, type SendOutcome } from "../types.js";

/**
 * alertmanagerConfigSchema is a `type: alertmanager` channel: alerts POSTed to Alertmanager's API v2.
 * See docs/vendors.md §6 and prometheus/alertmanager api/v2/openapi.yaml (postAlerts).
 */
export const alertmanagerConfigSchema = z.strictObject({
  type: z.literal("alertmanager"),
  /** One URL, or every member of an HA cluster: each gets every alert; one accepting is enough. */
  urls: stringList.pipe(z.array(httpUrl).min(1)),
  /** How often an open incident is re-sent so Alertmanager does not resolve it on its own; 0 = every run. */
  resend_every: duration.default(0),
  /** How long Alertmanager keeps a firing alert without a re-send (endsAt); default max(10m, 3 × resend_every). */
  ttl: duration.optional(),
  generator_url: z.string().url().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  insecure: z.boolean().default(false),
});
export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;

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
async function postAlerts(
  base: string,
  body: string,
  cfg: AlertmanagerConfig,
  signal: AbortSignal,
): Promise<SendOutcome> {
  let url: URL;
  try {
    url = new URL(`${base.replace(/\/+$/, "")}/api/v2/alerts`);
  } catch {
    return fail("config", false, "invalid Alertmanager URL");
  }
  // Only the origin goes into messages: the URL may carry basic-auth credentials.
  const where = `${url.protocol}//${url.host}`;
  const basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const auth = url.username ? `Basic ${Buffer.from(basic).toString("base64")}` : undefined;
  const headers: Record<string, string> = { "content-type": "application/json", ...cfg.headers };
  if (auth) headers.authorization = auth;
  let res: HttpResponse;
  try {
    res = await httpRequest(url, { method: "POST", headers, body, signal, insecure: cfg.insecure, maxBody: 4096 });
  } catch (err) {
    if (signal.aborted) return fail("timeout", true, `${where}: no answer before the deadline`);
    const e = err as HttpError;
    return fail("network", true, `${where}: ${e.code ?? e.message}`);
  }
  const status = res.status;
  const answer = res.body.toString("utf8").slice(0, 300).trim();
  if (status >= 200 && status < 300) return { ok: true, response: `${where}: HTTP ${status}` };
  const msg = `${where}: HTTP ${status}${answer ? `: ${answer}` : ""}`;
  if (status === 429) return fail("rate_limited", true, msg);
  if (status >= 500) return fail("server", true, msg);
  if (status === 401 || status === 403) {
    return fail("auth", false, msg, "check the credentials in the URL or `headers`");
  }
  const hint = status === 400 ? "Alertmanager rejected the alerts (labels or times invalid)" : undefined;
  return fail("client", false, msg, hint);
}

/** REFRESH_PREFIX marks the outbox messages the keep-alive makes, so a newer refresh can replace a pending one. */
export const REFRESH_PREFIX = "refresh-";

/** refreshMemory is the keep-alive's memory: when it last re-stated every open incident (State.channels[name]). */
const refreshMemory = z.object({ refreshedAt: z.number().optional() });
type RefreshMemory = z.infer<typeof refreshMemory>;

/**
 * keepAlive keeps open incidents alive in Alertmanager, which resolves an alert on its own when it is not re-sent
 * before its endsAt (Alertmanager's client guide, docs/vendors.md §6: clients re-send active alerts). decide speaks
 * only on ladder events, so after it this queues one message re-stating every open incident the channel was told of, at
 * most once per `resend_every` (0: every run). A pending refresh that a newer one supersedes, or whose incident has
 * closed, is removed from the outbox: sending it late would re-fire a resolved alert. A refresh is marked noFallback:
 * it restates incidents the fallback was already given, and a new one is made every run, so a copy would send the
 * fallback the same alert every run while Alertmanager is down.
 */
function keepAlive(
  cfg: AlertmanagerConfig,
  input: KeepAliveInput<RefreshMemory>,
): { outbox: OutboxEntry[]; memory: RefreshMemory | undefined } {
  const { name, state, now } = input;
  const open = (check: string) => state.checks[check]?.incident?.notified.includes(name) ?? false;
  // Asked only when there is an incident or a pending refresh: the memory is then read (and validated).
  let dueNow: boolean | undefined;
  const due = () => {
    const last = input.memory?.refreshedAt;
    // A clock that moved back counts as due: better one extra re-send than an alert left to expire.
    return (dueNow ??= last === undefined || now - last >= cfg.resend_every || now < last);
  };
  let outbox = state.outbox.flatMap((e): OutboxEntry[] => {
    if (e.message.channel !== name || !e.message.id.startsWith(REFRESH_PREFIX)) return [e];
    const items = e.message.items.filter((i) => open(i.check));
    if (items.length === 0 || due()) return [];
    // A refresh queued by an older build carries no noFallback flag: it gets one here.
    const same = items.length === e.message.items.length && e.message.noFallback;
    return [same ? e : { ...e, message: { ...e.message, items, noFallback: true } }];
  });
  const toldNow = new Set(input.thisRun.flatMap((m) => m.items.map((i) => i.check)));
  // The refresh clock moves only when every open incident was re-stated: a message about one check this run (its
  // step) must not postpone the re-send of the others, which Alertmanager would then let expire.
  let refreshed = toldNow.size > 0 && due();
  const stale = input.checks.filter((c) => open(c.name) && !toldNow.has(c.name));
  if (stale.length > 0 && due()) {
    const items = stale.map((c) => refreshItem(state.checks[c.name]!, c));
    const id = `${REFRESH_PREFIX}${now.toString(36)}-${name}`;
    const message: Message = { id, channel: name, host: input.host, createdAt: now, items, noFallback: true };
    outbox = [...outbox, { message, attempts: 0, nextAttemptAt: now, lastError: undefined }];
    refreshed = true;
  }
  return { outbox, memory: refreshed ? { refreshedAt: now } : undefined };
}

/** refreshItem restates an open incident; its severity is the incident's peak, so the alert's labels stay the same. */
function refreshItem(cs: CheckState, check: KeepAliveInput<never>["checks"][number]): NotifyItem {
  const inc = cs.incident!;
  const item: NotifyItem = {
    check: check.name,
    reason: "reminder",
    step: Math.max(0, ...inc.stepsFired) + 1,
    severity: inc.peak,
    status: cs.status,
    summary: cs.summary,
    failStreak: cs.failStreak,
    since: inc.startedAt,
    restarts: inc.restarts,
    restartsHelped: inc.restartsHelped,
  };
  if (inc.cause) item.cause = inc.cause;
  if (check.runbook !== undefined) item.runbook = check.runbook;
  if (Object.keys(check.labels).length) item.labels = check.labels;
  return item;
}

/** alertmanagerChannel is the registry entry, with the keep-alive that re-sends open incidents every run. */
export const alertmanagerChannel = defineChannel(alertmanagerConfigSchema, createAlertmanagerChannel, {
  keepAlive: { memory: refreshMemory, run: keepAlive },
  terse: true,
});
