import type { Config } from "../../config/schema.js";
import { activeSilence } from "../../engine/silence.js";
import { activeWindow } from "../../config/windows.js";
import { matchGlob } from "../../glob.js";
import type { State } from "../../engine/types.js";
import type { HistoryEvent } from "../../history/events.js";
import { incidentsFrom } from "../../history/report.js";
import type { Status } from "../../probes/types.js";
import type { Samples } from "./samples.js";

/** Shown is what a check or a slice of time shows: a status, not run yet, or no data. */
export type Shown = Status | "pending" | "none";
/** IncidentView is one incident as the page lists it. */
export type IncidentView = {
  start: number;
  end: number | undefined;
  peak: string;
  peakStep: number;
  cause: string | undefined;
};
/** TimelineView is a window cut into equal slices, each showing the worst status seen in it. */
export type TimelineView = { from: number; to: number; slices: Shown[]; incidents: IncidentView[] };
/** SparkView is one metric's recent values. */
export type SparkView = {
  key: string;
  kind: "latency" | "ttft" | "connect" | "gpumem" | "temp";
  gpu: string | undefined;
  unit: string;
  points: [number, number][];
};
/** CheckView is one check's card. */
export type CheckView = {
  name: string;
  status: Shown;
  summary: string;
  failStreak: number;
  okStreak: number;
  since: number | undefined;
  step: number;
  steps: number;
  incident:
    | {
        startedAt: number;
        cause: string | undefined;
        restarts: number;
        gaveUp: boolean;
        ack: { at: number; note: string | undefined } | undefined;
      }
    | undefined;
  silence: { until: number; reason: string } | undefined;
  flapShare: number | undefined;
  heldByDepends: boolean;
  /** Held while a restarted service loads: when it started, how long the last load took. */
  warming: { startedAt: number; loadMs: number | undefined } | undefined;
  day: TimelineView;
  week: TimelineView;
  /** Incidents of the last 7 days, newest first. */
  incidents: IncidentView[];
  sparks: SparkView[];
};
/** PageModel is everything the page shows, already masked; the HTML is a pure function of it. */
export type PageModel = {
  title: string;
  host: string;
  now: number;
  refreshMs: number;
  lastRun: { at: number; durationMs: number } | undefined;
  /** How long after a run the next one is overdue (3 x the expected interval, the rule of the monitor-gap notice). */
  lateAfterMs: number;
  late: boolean;
  gapMs: number | undefined;
  counts: Record<string, number>;
  checks: CheckView[];
  silences: { pattern: string; reason: string; until: number }[];
  outbox: { channel: string; checks: string[]; attempts: number; next: number; error: string | undefined }[];
  dropped: { channel: string; checks: string[]; at: number; why: string }[];
  droppedTotal: number;
  /** The config file does not validate and the last one that did is in use (config/last-good.ts): this says so. */
  configProblem?: string | undefined;
};

const DAY = 86_400_000;
const RANK: Record<Shown, number> = { none: 0, pending: 0, ok: 1, warning: 2, unknown: 3, critical: 4 };

/** PageInput is what the page is built from: config, saved state, history, metric ring, the time, and the masker. */
export type PageInput = {
  config: Pick<Config, "checks" | "host" | "expected_interval" | "status_page"> & Partial<Pick<Config, "maintenance">>;
  state: State;
  events: readonly HistoryEvent[];
  samples: Samples;
  now: number;
  redact: (s: string) => string;
};

/** buildPageModel turns the inputs into the page's model (pure). Open incidents come first, worst first. */
export function buildPageModel(input: PageInput): PageModel {
  const { config, state, events, now, redact } = input;
  const lastEnd = state.lastRun ? state.lastRun.startedAt + state.lastRun.durationMs : undefined;
  const lateAfterMs = 3 * config.expected_interval;
  const checks = config.checks.map((c, order) => ({ order, view: checkView(c, input) }));
  checks.sort((a, b) => openRank(b.view) - openRank(a.view) || a.order - b.order);
  const counts: Record<string, number> = {};
  for (const { view } of checks) counts[view.status] = (counts[view.status] ?? 0) + 1;
  return {
    title: redact(config.status_page?.title ?? "watchdog"),
    host: redact(config.host),
    now,
    refreshMs: config.status_page?.refresh ?? 60_000,
    lastRun: state.lastRun ? { at: state.lastRun.startedAt, durationMs: state.lastRun.durationMs } : undefined,
    lateAfterMs,
    late: lastEnd === undefined ? false : now - lastEnd > lateAfterMs,
    gapMs: state.monitorGap ? state.monitorGap.to - state.monitorGap.from : recentGap(events, now),
    counts,
    checks: checks.map((c) => c.view),
    silences: (state.silences ?? [])
      .filter((s) => s.endsAt > now)
      .map((s) => ({ pattern: redact(s.pattern), reason: redact(s.reason), until: s.endsAt })),
    outbox: state.outbox.map((e) => ({
      channel: redact(e.message.channel),
      checks: e.message.items.map((i) => redact(i.check)),
      attempts: e.attempts,
      next: e.nextAttemptAt,
      error: e.lastError === undefined ? undefined : redact(e.lastError),
    })),
    dropped: state.dropped
      .slice(-10)
      .reverse()
      .map((d) => ({ channel: redact(d.channel), checks: d.checks.map(redact), at: d.droppedAt, why: redact(d.why) })),
    droppedTotal: state.droppedTotal,
  };
}

/** openRank orders cards: an open critical incident first, then unknown, warning, other failing, then the rest. */
function openRank(v: CheckView): number {
  return (v.incident ? 10 : 0) + (v.status === "ok" || v.status === "pending" ? 0 : RANK[v.status]);
}

/** recentGap is a monitor gap the history recorded in the last day (the state forgets it once it is said). */
function recentGap(events: readonly HistoryEvent[], now: number): number | undefined {
  const g = [...events].reverse().find((e) => e.type === "monitor_gap" && now - e.at < DAY);
  return g?.type === "monitor_gap" ? g.to - g.from : undefined;
}

function checkView(c: PageInput["config"]["checks"][number], input: PageInput): CheckView {
  const { state, events, now, redact } = input;
  const cs = state.checks[c.name];
  const inc = cs?.incident;
  const sil = activeSilence(state.silences, c.name, now, matchGlob);
  const win = activeWindow(input.config.maintenance, c.name, now, matchGlob);
  const maybe = (s: string | undefined) => (s === undefined ? undefined : redact(s));
  const rows = incidentsFrom(events, now - 7 * DAY, now, c.name).map((r) => ({
    start: r.start,
    end: r.end,
    peak: r.peak,
    peakStep: r.peakStep,
    cause: maybe(r.cause),
  }));
  const status: Shown = cs?.status ?? "pending";
  return {
    name: redact(c.name),
    status,
    summary: redact(cs?.summary ?? ""),
    failStreak: cs?.failStreak ?? 0,
    okStreak: cs?.okStreak ?? 0,
    since: cs?.since,
    step: inc ? Math.max(0, ...inc.stepsFired.map((i) => i + 1)) : 0,
    steps: c.escalation.length,
    incident: inc
      ? {
          startedAt: inc.startedAt,
          cause: maybe(inc.cause),
          restarts: inc.restarts,
          gaveUp: inc.gaveUp,
          ack: inc.ack ? { at: inc.ack.at, note: maybe(inc.ack.note) } : undefined,
        }
      : undefined,
    // A maintenance window holds a check as a silence does: the page shows it the same way, named.
    silence: sil
      ? { until: sil.endsAt, reason: redact(sil.reason) }
      : win && { until: win.endsAt, reason: `maintenance window ${redact(win.name)}` },
    flapShare: cs?.flapping?.share,
    heldByDepends: cs?.held === "depends",
    warming:
      cs?.held === "warming" && cs.warmup?.start !== undefined
        ? { startedAt: cs.warmup.waiting ?? cs.warmup.start, loadMs: cs.warmup.loadMs }
        : undefined,
    day: timeline(c.name, events, cs && { status: cs.status, since: cs.since }, now - DAY, now, 48, rows),
    week: timeline(c.name, events, cs && { status: cs.status, since: cs.since }, now - 7 * DAY, now, 42, rows),
    incidents: rows.slice().reverse(),
    sparks: sparks(input.samples.checks[c.name]),
  };
}

/**
 * timeline cuts [from, to] into n slices and gives each the worst status the check had in it, from the history's
 * transitions (and the state's current status since `since`, in case the history was rotated away or unwritable).
 */
export function timeline(
  check: string,
  events: readonly HistoryEvent[],
  current: { status: Status; since: number } | undefined,
  from: number,
  to: number,
  n: number,
  incidents: readonly IncidentView[],
): TimelineView {
  const segs: { at: number; status: Status }[] = [];
  for (const e of events) if (e.type === "transition" && e.check === check) segs.push({ at: e.at, status: e.to });
  if (current && !segs.some((s) => s.at >= current.since)) segs.push({ at: current.since, status: current.status });
  segs.sort((a, b) => a.at - b.at);
  const slices: Shown[] = Array<Shown>(n).fill("none");
  const width = (to - from) / n;
  segs.forEach((s, i) => {
    const end = Math.min(to, segs[i + 1]?.at ?? to);
    const start = Math.max(from, s.at);
    if (end < from || start > to) return;
    const a = Math.max(0, Math.floor((start - from) / width));
    // A segment that ends exactly on a slice edge does not colour the next slice.
    const b = Math.min(n - 1, Math.max(a, Math.ceil((end - from) / width) - 1));
    for (let k = a; k <= b; k++) if (RANK[s.status] > RANK[slices[k]!]) slices[k] = s.status;
  });
  return { from, to, slices, incidents: incidents.filter((i) => (i.end ?? to) >= from) };
}

function sparks(s: Samples["checks"][string] | undefined): SparkView[] {
  if (!s) return [];
  return Object.entries(s.m).map(([key, values]) => {
    const gpu = /^gpu(\d+)_/.exec(key)?.[1];
    const kind: SparkView["kind"] = key.startsWith("ttft")
      ? "ttft"
      : key.startsWith("connect")
        ? "connect"
        : key.endsWith("temperature_c")
          ? "temp"
          : gpu
            ? "gpumem"
            : "latency";
    const unit = kind === "temp" ? "°C" : kind === "gpumem" ? "%" : "ms";
    const points: [number, number][] = [];
    values.forEach((v, i) => {
      if (v !== null && s.t[i] !== undefined) points.push([s.t[i]! * 1000, v]);
    });
    return { key, kind, gpu, unit, points };
  });
}
