import type { CheckConfig, Config } from "../config/schema.js";
import type { ProbeResult, Status } from "../probes/types.js";
import { RECENT_MAX, type Action, type CheckState, type Incident, type NotifyItem, type Severity, type State } from "./types.js";

/** EngineConfig is the part of the config the engine reads. */
export type EngineConfig = Pick<Config, "checks" | "channels">;

/** Decision is the next state and what to do about it. */
export type Decision = { state: State; actions: Action[] };

/**
 * decide is the pure heart of a run: from the previous state, this run's results and the time, it computes the next
 * state and the actions (notifications grouped per channel, restarts). No I/O, no clock, no randomness.
 *
 * Per check, each run:
 *   ok -> ok            nothing
 *   ok -> failing       an incident opens; steps whose `after` the streak reaches fire (usually step 1)
 *   failing -> failing  further steps fire once each; past `repeat_every` a reminder goes to the highest step's channels
 *   failing -> ok       after `recover_after` ok runs the incident closes; every channel told gets a recovery notice
 * A step with `restart: true` restarts the check (within `restart.limit`); past the limit, one "giving up" notice.
 */
export function decide(prev: State, results: readonly ProbeResult[], now: number, cfg: EngineConfig): Decision {
  const checks: Record<string, CheckState> = {};
  const items: { channel: string; item: NotifyItem }[] = [];
  const restarts: string[] = [];
  for (const check of cfg.checks) {
    const result = results.find((r) => r.check === check.name);
    const before = prev.checks[check.name];
    if (!result) {
      if (before) checks[check.name] = before;
      continue;
    }
    const step = stepCheck(before, result, now, check, cfg);
    checks[check.name] = step.state;
    items.push(...step.items);
    if (step.restart) restarts.push(check.name);
  }
  return { state: { ...prev, checks }, actions: group(items, restarts) };
}

type CheckStep = { state: CheckState; items: { channel: string; item: NotifyItem }[]; restart: boolean };

/** severityOf maps a probe status to the severity of its incident: unknown counts as critical. */
export function severityOf(status: Status): Severity {
  return status === "warning" ? "warning" : "critical";
}

function stepCheck(before: CheckState | undefined, r: ProbeResult, now: number, check: CheckConfig, cfg: EngineConfig): CheckStep {
  const failing = r.status !== "ok";
  const wasFailing = before ? before.status !== "ok" : false;
  const s: CheckState = {
    status: r.status,
    since: before && wasFailing === failing ? before.since : now,
    failStreak: failing ? (before?.failStreak ?? 0) + 1 : 0,
    okStreak: failing ? 0 : (before?.okStreak ?? 0) + 1,
    lastRunAt: now,
    summary: r.summary,
    recent: ((before?.recent ?? "") + (failing ? "x" : "o")).slice(-RECENT_MAX),
    restartTimes: (before?.restartTimes ?? []).filter((t) => check.restart && t > now - check.restart.limit.within && t <= now),
    incident: before?.incident,
  };
  const out: CheckStep = { state: s, items: [], restart: false };
  const say = (channel: string, item: NotifyItem) => out.items.push({ channel, item });

  if (!failing) {
    const inc = s.incident;
    if (inc && s.okStreak >= check.recover_after) {
      // Outage: from the first failing run to the first ok run of this streak.
      const outageMs = Math.max(0, s.since - inc.startedAt);
      for (const channel of inc.notified) say(channel, baseItem(r, s, check, inc, "recovered", 0, { outageMs }));
      s.incident = undefined;
    }
    return out;
  }

  const severity = severityOf(r.status);
  const inc: Incident = s.incident
    ? { ...s.incident, peak: s.incident.peak === "critical" ? "critical" : severity, stepsFired: [...s.incident.stepsFired], notified: [...s.incident.notified], held: [...s.incident.held] }
    : { id: `${check.name}@${s.since}`, startedAt: s.since, peak: severity, stepsFired: [], notified: [], held: [], lastNotifiedAt: undefined, restarts: 0, restartsHelped: 0, gaveUp: false, cause: r.cause };
  if (r.cause) inc.cause = r.cause;
  s.incident = inc;

  const reaches = (i: number) => {
    const st = check.escalation[i]!;
    if (st.within === undefined) return s.failStreak >= st.after;
    return [...s.recent.slice(-st.within)].filter((c) => c === "x").length >= st.after;
  };
  const allowed = (channel: string) => severity === "critical" || cfg.channels[channel]?.min_severity !== "critical";
  const told = new Set<string>();
  const tell = (channel: string, item: NotifyItem) => {
    if (told.has(`${channel}\0${item.reason}\0${item.step}`)) return;
    told.add(`${channel}\0${item.reason}\0${item.step}`);
    say(channel, item);
    if (!inc.notified.includes(channel)) inc.notified.push(channel);
  };

  let wantRestart = false;
  let fired = false;
  check.escalation.forEach((st, i) => {
    if (inc.stepsFired.includes(i) || !reaches(i)) return;
    inc.stepsFired.push(i);
    fired = true;
    for (const channel of st.notify) {
      if (allowed(channel)) tell(channel, baseItem(r, s, check, inc, "step", i + 1));
      else inc.held.push({ channel, step: i + 1 });
    }
    if (st.restart) wantRestart = true;
  });
  // Channels a warning-level step skipped are told once the incident turns critical.
  if (severity === "critical" && inc.held.length) {
    for (const h of inc.held) tell(h.channel, baseItem(r, s, check, inc, "step", h.step));
    inc.held = [];
    fired = true;
  }

  const highest = Math.max(-1, ...inc.stepsFired);
  const top = highest >= 0 ? check.escalation[highest] : undefined;
  if (!fired && top && check.repeat_every > 0 && inc.lastNotifiedAt !== undefined && now - inc.lastNotifiedAt >= check.repeat_every) {
    for (const channel of top.notify) if (allowed(channel)) tell(channel, baseItem(r, s, check, inc, "reminder", highest + 1));
    // A reminder at a restart step tries the restart again (within the limit).
    if (top.restart) wantRestart = true;
  }

  if (wantRestart && check.restart) {
    if (s.restartTimes.length < check.restart.limit.max) {
      s.restartTimes = [...s.restartTimes, now];
      inc.restarts += 1;
      out.restart = true;
      for (const it of out.items) if (it.item.reason === "step" || it.item.reason === "reminder") it.item.restartPlanned = true;
    } else if (!inc.gaveUp) {
      inc.gaveUp = true;
      const targets = new Set([...(top?.notify ?? []), ...inc.notified]);
      for (const channel of targets) tell(channel, baseItem({ ...r, status: "critical" }, s, check, inc, "restart_gave_up", highest + 1));
    }
  }
  if (out.items.length) inc.lastNotifiedAt = now;
  return out;
}

function baseItem(r: ProbeResult, s: CheckState, check: CheckConfig, inc: Incident, reason: NotifyItem["reason"], step: number, extra: Partial<NotifyItem> = {}): NotifyItem {
  const item: NotifyItem = {
    check: check.name,
    reason,
    step,
    severity: reason === "recovered" ? inc.peak : severityOf(r.status),
    status: r.status,
    summary: r.summary,
    failStreak: s.failStreak,
    since: inc.startedAt,
    restarts: inc.restarts,
    restartsHelped: inc.restartsHelped,
    ...extra,
  };
  if (r.detail !== undefined) item.detail = r.detail;
  if (r.excerpt?.length) item.excerpt = r.excerpt;
  if (inc.cause ?? r.cause) item.cause = inc.cause ?? r.cause;
  if (check.runbook !== undefined) item.runbook = check.runbook;
  if (Object.keys(check.labels).length) item.labels = check.labels;
  return item;
}

/** group makes one notify action per channel (items in check order) and one restart action per check. */
function group(items: { channel: string; item: NotifyItem }[], restarts: string[]): Action[] {
  const byChannel = new Map<string, NotifyItem[]>();
  for (const { channel, item } of items) byChannel.set(channel, [...(byChannel.get(channel) ?? []), item]);
  const actions: Action[] = restarts.map((check) => ({ type: "restart", check }));
  for (const [channel, list] of byChannel) actions.push({ type: "notify", channel, items: list });
  return actions;
}
