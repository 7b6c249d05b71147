import type { CheckConfig, Config } from "../config/schema.js";
import type { ProbeResult, Status } from "../probes/types.js";
import { dict, own } from "./dict.js";
import { FLAP_OFF, flapShare, flapTransition, type FlapConfig } from "./flap.js";
import { activeSilence, pruneSilences } from "./silence.js";
import { RECENT_MAX, type Action, type CheckState, type HoldReason, type Incident, type NotifyItem, type Severity, type State } from "./types.js";

/** EngineConfig is the part of the config the engine reads; `flap` off and `expected_interval` 2m when absent. */
export type EngineConfig = Pick<Config, "checks" | "channels"> & { flap?: FlapConfig; expected_interval?: number };

/** DEFAULT_EXPECTED_INTERVAL is the cron period assumed when the config does not say (a gap is 3 times this). */
export const DEFAULT_EXPECTED_INTERVAL = 2 * 60_000;

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
 *
 * Holds (the state still moves; nothing is said or restarted for the check):
 *   silenced            a `watchdog silence` matches the check: no notice at all, recovery included
 *   depends             a check in `depends_on` fails this run: the parent's items name it ("also affected");
 *                       recovery to channels already told still goes out
 *   flapping            more than flap.high % state changes in the last 21 results: one "flapping" notice, then
 *                       quiet (recovery included) until below flap.low %, then one "stable again" notice
 *   acked               `watchdog ack`: no further steps, reminders or restarts; recovery still goes out
 * The first run after a hold resumes the ladder where the streak stands: of the steps reached meanwhile only the
 * highest speaks (and restarts if it says so), so the operator gets one notification, not a burst.
 * A run that finds the previous one more than 3 x expected_interval ago says so in its next message.
 */
export function decide(prev: State, results: readonly ProbeResult[], now: number, cfg: EngineConfig): Decision {
  const checks = dict<CheckState>();
  const items: { channel: string; item: NotifyItem }[] = [];
  const restarts: string[] = [];
  const failingNow = new Map(
    cfg.checks.map((c) => {
      const r = results.find((x) => x.check === c.name);
      const b = own(prev.checks, c.name);
      return [c.name, r ? r.status !== "ok" : b ? b.status !== "ok" : false];
    }),
  );
  for (const check of cfg.checks) {
    const result = results.find((r) => r.check === check.name);
    const before = own(prev.checks, check.name);
    if (!result) {
      if (before) checks[check.name] = before;
      continue;
    }
    const mute: HoldReason | undefined = activeSilence(prev.silences, check.name, now) ? "silenced" : check.depends_on.some((d) => failingNow.get(d)) ? "depends" : undefined;
    const step = stepCheck(before, result, now, check, cfg, mute);
    checks[check.name] = step.state;
    items.push(...step.items);
    if (step.restart) restarts.push(check.name);
  }
  nameAffected(cfg, checks, failingNow, items);
  const next: State = { ...prev, checks, silences: pruneSilences(prev.silences, now) };
  const gap = monitorGap(prev, now, cfg.expected_interval ?? DEFAULT_EXPECTED_INTERVAL);
  delete next.monitorGap;
  if (gap && items.length) {
    const seen = new Set<string>();
    for (const { channel, item } of items) if (!seen.has(channel)) (seen.add(channel), (item.monitorGapMs = gap.to - gap.from));
  } else if (gap) next.monitorGap = gap;
  return { state: next, actions: group(items, restarts) };
}

/** monitorGap is the unreported gap in watchdog's own runs: the pending one, or a new one longer than 3 x expected. */
function monitorGap(prev: State, now: number, expected: number): { from: number; to: number } | undefined {
  const pending = prev.monitorGap;
  if (!prev.lastRun) return pending;
  const from = prev.lastRun.startedAt + prev.lastRun.durationMs;
  if (now - from <= 3 * expected) return pending;
  return pending && pending.to - pending.from >= now - from ? pending : { from, to: now };
}

/** nameAffected adds each held child to the items of the failing ancestors that are not held themselves. */
function nameAffected(cfg: EngineConfig, checks: Record<string, CheckState>, failingNow: Map<string, boolean>, items: { channel: string; item: NotifyItem }[]): void {
  const byName = new Map(cfg.checks.map((c) => [c.name, c]));
  const roots = (name: string, seen = new Set<string>()): string[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    const parents = (byName.get(name)?.depends_on ?? []).filter((d) => failingNow.get(d));
    if (!parents.length) return [name];
    return parents.flatMap((p) => roots(p, seen));
  };
  for (const c of cfg.checks) {
    if (checks[c.name]?.held !== "depends" || !failingNow.get(c.name)) continue;
    for (const root of roots(c.name)) {
      if (root === c.name) continue;
      for (const { item } of items) {
        if (item.check !== root || item.reason === "recovered") continue;
        item.alsoAffected = [...new Set([...(item.alsoAffected ?? []), c.name])].sort();
      }
    }
  }
}

type CheckStep = { state: CheckState; items: { channel: string; item: NotifyItem }[]; restart: boolean };

/** severityOf maps a probe status to the severity of its incident: unknown counts as critical. */
export function severityOf(status: Status): Severity {
  return status === "warning" ? "warning" : "critical";
}

function stepCheck(before: CheckState | undefined, r: ProbeResult, now: number, check: CheckConfig, cfg: EngineConfig, mute: HoldReason | undefined): CheckStep {
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
    // A restart "in the future" (the clock was stepped back) counts as made now: the jump must not reset the limit.
    restartTimes: (before?.restartTimes ?? []).map((t) => Math.min(t, now)).filter((t) => check.restart && t > now - check.restart.limit.within),
    incident: before?.incident,
  };
  const out: CheckStep = { state: s, items: [], restart: false };
  const say = (channel: string, item: NotifyItem) => out.items.push({ channel, item });

  // Flapping: one notice when it starts, one when it stops; quiet in between.
  const share = flapShare(s.recent);
  const flap = flapTransition(!!before?.flapping, share, cfg.flap ?? FLAP_OFF);
  if (before?.flapping && flap !== "stop") s.flapping = { ...before.flapping, share };
  // A flap notice has the severity the check flaps to (its incident's worst, else its last failing status), not that of
  // "ok": a warning-level check flapping ("disk 85%") must not reach a min_severity: critical channel at all, nor pass
  // quiet hours as critical.
  const worst = [s.incident?.peak, failing ? severityOf(r.status) : undefined];
  const flapSeverity: Severity = worst.includes("critical") ? "critical" : worst.includes("warning") ? "warning" : before && before.status !== "ok" ? severityOf(before.status) : "warning";
  const flapAllowed = (channel: string) => flapSeverity === "critical" || own(cfg.channels, channel)?.min_severity !== "critical";
  if (flap === "start") s.flapping = { since: now, share, told: [...new Set([...(check.escalation[0]?.notify ?? []), ...(s.incident?.notified ?? [])])].filter(flapAllowed) };
  const held: HoldReason | undefined = mute ?? (s.flapping ? "flapping" : undefined);
  if (held) s.held = held;
  else delete s.held;
  const resume = before?.held !== undefined && !held;
  if (flap && mute !== "silenced") {
    const pseudo: Incident = s.incident ?? { id: "", startedAt: s.since, peak: flapSeverity, stepsFired: [], notified: [], held: [], lastNotifiedAt: undefined, restarts: 0, restartsHelped: 0, gaveUp: false, cause: undefined };
    const told = flap === "start" ? s.flapping!.told : before!.flapping!.told;
    for (const channel of told) say(channel, baseItem(r, s, check, pseudo, "step", 0, { severity: flapSeverity, notice: flap === "start" ? "flapping" : "stable", flapShare: share }));
  }

  if (!failing) {
    const inc = s.incident;
    if (inc && s.okStreak >= check.recover_after) {
      // Outage: from the first failing run to the first ok run of this streak.
      const outageMs = Math.max(0, s.since - inc.startedAt);
      if (held !== "silenced" && held !== "flapping") for (const channel of inc.notified) say(channel, baseItem(r, s, check, inc, "recovered", 0, { outageMs }));
      s.incident = undefined;
    }
    return out;
  }

  const severity = severityOf(r.status);
  const inc: Incident = s.incident
    ? { ...s.incident, peak: s.incident.peak === "critical" ? "critical" : severity, stepsFired: [...s.incident.stepsFired], notified: [...s.incident.notified], held: [...s.incident.held] }
    : { id: `${check.name}@${s.since}`, startedAt: s.since, peak: severity, stepsFired: [], notified: [], held: [], lastNotifiedAt: undefined, restarts: 0, restartsHelped: 0, gaveUp: false, cause: r.cause };
  if (r.cause) inc.cause = r.cause;
  // A last notice "in the future" (the clock was stepped back) counts as made now: reminders resume repeat_every
  // after the jump instead of waiting for the clock to catch up.
  if (inc.lastNotifiedAt !== undefined && inc.lastNotifiedAt > now) inc.lastNotifiedAt = now;
  s.incident = inc;
  if (held || inc.ack) {
    // Held or acknowledged: the streak and the incident move on; no step fires, nothing is restarted.
    if (out.items.length) inc.lastNotifiedAt = now;
    return out;
  }

  const reaches = (i: number) => {
    const st = check.escalation[i]!;
    if (st.within === undefined) return s.failStreak >= st.after;
    return [...s.recent.slice(-st.within)].filter((c) => c === "x").length >= st.after;
  };
  const allowed = (channel: string) => severity === "critical" || own(cfg.channels, channel)?.min_severity !== "critical";
  const told = new Set<string>();
  const tell = (channel: string, item: NotifyItem) => {
    if (told.has(`${channel}\0${item.reason}\0${item.step}`)) return;
    told.add(`${channel}\0${item.reason}\0${item.step}`);
    say(channel, item);
    if (!inc.notified.includes(channel)) inc.notified.push(channel);
  };

  let wantRestart = false;
  let fired = false;
  // Resuming after a hold, only the highest step reached meanwhile speaks; the lower ones count as fired.
  const speaks = resume ? Math.max(-1, ...check.escalation.map((_, i) => (!inc.stepsFired.includes(i) && reaches(i) ? i : -1))) : undefined;
  check.escalation.forEach((st, i) => {
    if (inc.stepsFired.includes(i) || !reaches(i)) return;
    inc.stepsFired.push(i);
    fired = true;
    if (speaks !== undefined && i !== speaks) return;
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
