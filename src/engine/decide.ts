import type { EngineCheck, EngineConfig } from "./config.js";
import type { ProbeResult } from "../probes/types.js";
import { dict, own } from "./dict.js";
import { FLAP_OFF, flapStep } from "./flap.js";
import { group, notifyItem, severityOf, takes, teller, type CheckRun, type Said } from "./items.js";
import { climbLadder, pagingStep } from "./ladder.js";
import { recover } from "./recovery.js";
import { remind } from "./repeat.js";
import { keptRestarts, spendRestart } from "./restart-budget.js";
import { activeSilence, exactName, pruneSilences } from "./silence.js";
import { DEFAULT_START_GRACE, notBack, warmStep } from "./warmup.js";
import {
  RECENT_MAX,
  type Action,
  type CheckState,
  type HoldReason,
  freshIncident,
  type Incident,
  type State,
} from "./types.js";

export { severityOf } from "./items.js";

export type { EngineConfig } from "./config.js";

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
 *   failing -> failing  further steps fire once each; past `repeat_every` a reminder to the highest step's channels
 *   failing -> ok       after `recover_after` ok runs the incident closes; every channel told gets a recovery notice
 * A step with `restart: true` restarts the check (within `restart.limit`); past the limit, one "giving up" notice.
 *
 * Holds (the state still moves; nothing is said or restarted for the check):
 *   silenced            a `watchdog silence` matches the check: no notice at all, recovery included
 *   maintenance         a `maintenance` window of the config covers the check: as silenced; when it ends on a
 *                       failing check, every step the streak reached fires (the first notice is never skipped)
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
  const items: Said[] = [];
  const restarts: string[] = [];
  const failingNow = new Map(
    cfg.checks.map((c) => {
      const r = results.find((x) => x.check === c.name);
      const b = own(prev.checks, c.name);
      return [c.name, r ? r.status !== "ok" : b ? b.status !== "ok" : false];
    }),
  );
  for (const check of cfg.checks) {
    const result = withChildCause(
      results.find((r) => r.check === check.name),
      cfg,
      results,
    );
    const before = own(prev.checks, check.name);
    if (!result) {
      if (before) checks[check.name] = before;
      continue;
    }
    const mute = muteOf(prev, check, now, failingNow, cfg);
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
    for (const { channel, item } of items) {
      if (!seen.has(channel)) (seen.add(channel), (item.monitorGapMs = gap.to - gap.from));
    }
  } else if (gap) next.monitorGap = gap;
  return { state: next, actions: group(items, restarts) };
}

/**
 * withChildCause gives a failing result that names no cause the cause of a failing check that depends on it (the
 * service's log check, `depends_on: [service]`): its notices are held while the service fails, so the service's
 * alert says what its log found.
 */
function withChildCause(
  r: ProbeResult | undefined,
  cfg: EngineConfig,
  results: readonly ProbeResult[],
): ProbeResult | undefined {
  if (!r || r.status === "ok" || r.cause) return r;
  const children = new Set(cfg.checks.filter((c) => c.depends_on.includes(r.check)).map((c) => c.name));
  const cause = results.find((x) => children.has(x.check) && x.status !== "ok" && x.cause)?.cause;
  return cause ? { ...r, cause } : r;
}

/** muteOf is why the check's notices are muted this run: a silence matches it, or a check it depends on fails. */
function muteOf(
  prev: State,
  check: EngineCheck,
  now: number,
  failing: Map<string, boolean>,
  cfg: EngineConfig,
): HoldReason | undefined {
  if (activeSilence(prev.silences, check.name, now, cfg.matchName ?? exactName)) return "silenced";
  if (cfg.inMaintenance?.(check.name, now)) return "maintenance";
  return check.depends_on.some((d) => failing.get(d)) ? "depends" : undefined;
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
function nameAffected(
  cfg: EngineConfig,
  checks: Record<string, CheckState>,
  failingNow: Map<string, boolean>,
  items: Said[],
): void {
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

type CheckStep = { state: CheckState; items: Said[]; restart: boolean };

/**
 * stepCheck is one check's run, part by part: its next state (streaks, history, restart window), flapping, then
 *   ok       recovery (recovery.ts)
 *   failing  the incident carried on; unless held or acked: the ladder (ladder.ts), a reminder (repeat.ts), and a
 *            restart within the budget (restart-budget.ts)
 * Items about a restart this run say so (restartPlanned); any item said this run stamps the incident's last notice.
 */
function stepCheck(
  before: CheckState | undefined,
  r: ProbeResult,
  now: number,
  check: EngineCheck,
  cfg: EngineConfig,
  mute: HoldReason | undefined,
): CheckStep {
  const s = nextCheckState(before, r, now, check);
  const warm = warmStep(before, r, s.since, now, check.start_grace ?? DEFAULT_START_GRACE);
  if (warm.warmup) s.warmup = warm.warmup;
  const run: CheckRun = { check, result: r, state: s, now, channels: cfg.channels };
  const flap = flapStep(run, before, cfg.flap ?? FLAP_OFF, mute === "silenced" || mute === "maintenance");
  if (flap.flapping) s.flapping = flap.flapping;
  const warming = warm.warming !== undefined ? "warming" : undefined;
  const held: HoldReason | undefined = mute ?? (s.flapping ? "flapping" : undefined) ?? warming;
  if (held) s.held = held;
  const items = [...flap.items];
  if (r.status === "ok") {
    const recovery = recover(run, held);
    s.incident = recovery.incident;
    return { state: s, items: [...items, ...recovery.items], restart: false };
  }

  let inc = carryIncident(s.incident, r, now, check, s.since);
  let restart = false;
  // Held or acknowledged: the streak and the incident move on; no step fires, nothing is restarted.
  if (!held && !inc.ack) {
    const cannotFix = check.restart ? unfixable(inc.cause, cfg.restartCannotFix) : undefined;
    // A flap that became an outage climbs as one: every step reached speaks, not only the highest.
    // After a maintenance window or a warm-up every step reached speaks: the first notice must not be skipped.
    const whole = before?.held === "maintenance" || before?.held === "warming";
    const resume = before?.held !== undefined && !whole && !flap.outage;
    const ladder = climbLadder(run, inc, resume, cannotFix ? pagingStep(check) : undefined);
    const reminder = remind(run, ladder.incident, ladder.fired);
    inc = reminder.incident;
    if (before?.held === "maintenance") for (const { item } of ladder.items) item.afterMaintenance = true;
    if (before?.held === "warming") for (const { item } of ladder.items) item.notBack = notBack(s.warmup, now);
    items.push(...ladder.items, ...reminder.items);
    if (flap.outage) inc = saidWasFlapping(run, inc, items, flap.outage);
    if (cannotFix) {
      for (const { item } of items) {
        if (item.reason === "step" || item.reason === "reminder") item.restartSkipped = cannotFix;
      }
    } else if ((ladder.wantRestart || reminder.wantRestart) && check.restart) {
      const spend = spendRestart(run, inc, check.restart.limit);
      ({ incident: inc, restart } = spend);
      s.restartTimes = spend.restartTimes;
      items.push(...spend.items);
    }
  }
  if (restart) {
    for (const { item } of items) if (item.reason === "step" || item.reason === "reminder") item.restartPlanned = true;
  }
  if (items.length) inc = { ...inc, lastNotifiedAt: now };
  s.incident = inc;
  return { state: s, items, restart };
}

/** unfixable is the id of the incident's cause when it is one a restart cannot fix. */
function unfixable(cause: string | undefined, list: readonly string[] | undefined): string | undefined {
  const id = cause === undefined ? undefined : /^([a-z][a-z0-9_]*)(?::|$)/.exec(cause)?.[1];
  return id !== undefined && list?.includes(id) ? id : undefined;
}

/**
 * saidWasFlapping turns what the ladder says into the end of a flapping episode: one item per channel (the highest
 * step it reached, marked "was flapping"), and one to each channel that heard "flapping" but gets no step, so none
 * is left believing the check only flaps. Changes `items` in place.
 */
function saidWasFlapping(run: CheckRun, inc: Incident, items: Said[], told: readonly string[]): Incident {
  const top = new Map<string, Said>();
  for (const x of items) if ((top.get(x.channel)?.item.step ?? -1) < x.item.step) top.set(x.channel, x);
  items.splice(0, items.length, ...top.values());
  for (const { item } of items) item.wasFlapping = true;
  const t = teller(inc.notified);
  for (const channel of told) {
    if (top.has(channel) || !takes(run.channels, channel, severityOf(run.result.status))) continue;
    t.tell(channel, notifyItem(run, inc, "step", 0, { wasFlapping: true }));
  }
  items.push(...t.items);
  return { ...inc, notified: t.notified };
}

/** nextCheckState is the check's state after this result, before flapping, recovery and the ladder have spoken. */
function nextCheckState(before: CheckState | undefined, r: ProbeResult, now: number, check: EngineCheck): CheckState {
  const failing = r.status !== "ok";
  const wasFailing = before ? before.status !== "ok" : false;
  return {
    status: r.status,
    since: before && wasFailing === failing ? before.since : now,
    failStreak: failing ? (before?.failStreak ?? 0) + 1 : 0,
    okStreak: failing ? 0 : (before?.okStreak ?? 0) + 1,
    lastRunAt: now,
    summary: r.summary,
    recent: ((before?.recent ?? "") + (failing ? "x" : "o")).slice(-RECENT_MAX),
    restartTimes: keptRestarts(before?.restartTimes ?? [], now, check.restart),
    incident: before?.incident,
  };
}

/**
 * carryIncident is the incident of a failing run: the open one (its peak raised, the probe's latest cause kept), or
 * a new one from the start of the streak. A last notice "in the future" (the clock was stepped back) counts as made
 * now: reminders resume repeat_every after the jump instead of waiting for the clock to catch up.
 */
function carryIncident(
  open: Incident | undefined,
  r: ProbeResult,
  now: number,
  check: EngineCheck,
  since: number,
): Incident {
  const severity = severityOf(r.status);
  const inc: Incident = open
    ? {
        ...open,
        peak: open.peak === "critical" ? "critical" : severity,
        stepsFired: [...open.stepsFired],
        notified: [...open.notified],
        held: [...open.held],
      }
    : freshIncident(`${check.name}@${since}`, since, severity, r.cause);
  if (r.cause) inc.cause = r.cause;
  if (inc.lastNotifiedAt !== undefined && inc.lastNotifiedAt > now) inc.lastNotifiedAt = now;
  return inc;
}
