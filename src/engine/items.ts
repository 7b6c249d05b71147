import type { EngineChannel, EngineCheck } from "./config.js";
import type { ProbeResult, Status } from "../probes/types.js";
import { own } from "./dict.js";
import type { Action, CheckState, Incident, NotifyItem, Severity } from "./types.js";

/** Said is one item addressed to one channel; decide groups them into one message per channel. */
export type Said = { channel: string; item: NotifyItem };

/** CheckRun is what the parts of one check's step read: the check, this run's result and next state, the time. */
export type CheckRun = {
  check: EngineCheck;
  result: ProbeResult;
  /** The check's state after this run (streaks and recent history already counted). */
  state: CheckState;
  now: number;
  channels: Readonly<Record<string, EngineChannel>>;
};

/** severityOf maps a probe status to the severity of its incident: unknown counts as critical. */
export function severityOf(status: Status): Severity {
  return status === "warning" ? "warning" : "critical";
}

/** takes says whether a channel accepts a message of this severity: a `min_severity: critical` one takes no warning. */
export function takes(channels: CheckRun["channels"], channel: string, severity: Severity): boolean {
  return severity === "critical" || own(channels, channel)?.min_severity !== "critical";
}

/** notifyItem is what an item says about the check of `run` in incident `inc`; `extra` adds or overrides fields. */
export function notifyItem(
  run: CheckRun,
  inc: Incident,
  reason: NotifyItem["reason"],
  step: number,
  extra: Partial<NotifyItem> = {},
): NotifyItem {
  const { check, result: r, state } = run;
  const item: NotifyItem = {
    check: check.name,
    reason,
    step,
    severity: reason === "recovered" ? inc.peak : severityOf(r.status),
    status: r.status,
    summary: r.summary,
    failStreak: state.failStreak,
    since: inc.startedAt,
    restarts: inc.restarts,
    restartsHelped: inc.restartsHelped,
    ...extra,
  };
  if (r.said) item.said = r.said;
  if (r.detail !== undefined) item.detail = r.detail;
  if (r.excerpt?.length) item.excerpt = r.excerpt;
  if (r.kernel?.length) item.kernel = r.kernel;
  if (inc.cause ?? r.cause) item.cause = inc.cause ?? r.cause;
  if (check.runbook !== undefined) item.runbook = check.runbook;
  if (Object.keys(check.labels).length) item.labels = check.labels;
  return item;
}

/** Teller collects what one part of a step says, once per channel, reason and step, and who has now been told. */
export type Teller = { items: Said[]; notified: string[]; tell(channel: string, item: NotifyItem): void };

/** teller starts a Teller from the incident's channels told so far (copied: the incident is not changed). */
export function teller(notified: readonly string[]): Teller {
  const seen = new Set<string>();
  const t: Teller = {
    items: [],
    notified: [...notified],
    tell(channel, item) {
      const key = `${channel}\0${item.reason}\0${item.step}`;
      if (seen.has(key)) return;
      seen.add(key);
      t.items.push({ channel, item });
      if (!t.notified.includes(channel)) t.notified.push(channel);
    },
  };
  return t;
}

/** group makes one notify action per channel (items in check order) and one restart action per check. */
export function group(items: Said[], restarts: string[]): Action[] {
  const byChannel = new Map<string, NotifyItem[]>();
  for (const { channel, item } of items) byChannel.set(channel, [...(byChannel.get(channel) ?? []), item]);
  const actions: Action[] = restarts.map((check) => ({ type: "restart", check }));
  for (const [channel, list] of byChannel) actions.push({ type: "notify", channel, items: list });
  return actions;
}
