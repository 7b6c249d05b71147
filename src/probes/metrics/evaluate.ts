import { z } from "zod";
import { compare, matches, type Condition, type Selector } from "./condition.js";
import type { Sample } from "./exposition.js";

// A scrape judged against the rules, with what the next run needs: the counters the rules read and each rule's streak.

/** Rule is one named `rules:` entry: every condition must hold for `for` runs in a row. */
export type Rule = { name: string; when: Condition[]; for: number; severity: "warning" | "critical" };

/** Past this many series under one selector, only their sum is kept (a reset then shows only as a smaller sum). */
export const MAX_SERIES_KEPT = 200;
/** The key of a selector's summed value when its series are too many to keep one by one. */
const SUM_KEY = "*";

const memorySchema = z.object({
  at: z.number(),
  /** Counter values by selector (and `_sum`/`_count` of a mean), by series: only what increase/rate/mean read. */
  counters: z.record(z.string(), z.record(z.string(), z.number().nullable())),
  /** Rules whose conditions held in the last runs: how many runs, and since when (the scrape before the first). */
  streaks: z.record(z.string(), z.object({ runs: z.number().int().min(1), since: z.number() })),
});
/** MetricsMemory is what the probe keeps in the state between runs. */
export type MetricsMemory = z.infer<typeof memorySchema>;

/** readMemory is the previous run's memory, or undefined when there is none or it does not fit (a hand edit). */
export function readMemory(raw: unknown): MetricsMemory | undefined {
  const parsed = memorySchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** Reading is one condition's value now: a number, absent from the scrape, or not yet known (first scrape). */
export type Reading =
  | { kind: "value"; value: number; holds: boolean }
  | { kind: "missing"; metric: string; selector?: string }
  | { kind: "unknown"; why: "first" | "no_observations" };

/** Verdict is one rule after this scrape. */
export type Verdict = { rule: Rule; readings: Reading[]; runs: number; since: number; fired: boolean };

/** evaluate judges every rule on a scrape; pure: the time comes in as `now`. */
export function evaluate(
  rules: readonly Rule[],
  samples: readonly Sample[],
  prev: MetricsMemory | undefined,
  now: number,
): { verdicts: Verdict[]; memory: MetricsMemory } {
  const counters: MetricsMemory["counters"] = {};
  const streaks: MetricsMemory["streaks"] = {};
  const verdicts = rules.map((rule) => {
    const readings = rule.when.map((c) => read(c, samples, prev, now, counters));
    const held = readings.every((r) => r.kind === "value" && r.holds);
    const before = prev?.streaks[rule.name];
    const runs = held ? (before?.runs ?? 0) + 1 : 0;
    // A change between scrapes covers the time since the one before; a gauge only the moment it was read.
    const since = before?.since ?? (rule.when.some((c) => c.fn !== "value") ? (prev?.at ?? now) : now);
    if (held) streaks[rule.name] = { runs, since };
    return { rule, readings, runs, since, fired: held && runs >= rule.for };
  });
  return { verdicts, memory: { at: now, counters, streaks } };
}

function read(
  c: Condition,
  samples: readonly Sample[],
  prev: MetricsMemory | undefined,
  now: number,
  keep: MetricsMemory["counters"],
): Reading {
  const reading = (value: number): Reading => ({ kind: "value", value, holds: compare(value, c.op, c.number) });
  if (c.fn === "value") {
    const picked = samples.filter((s) => matches(c.selector, s));
    if (picked.length === 0) return missing(c.selector, samples, "");
    return reading(picked.reduce((sum, s) => sum + s.value, 0));
  }
  const suffixes = c.fn === "mean" ? ["_sum", "_count"] : [""];
  const changes: (number | undefined)[] = [];
  for (const suffix of suffixes) {
    const key = `${c.selector.text}${suffix}`;
    const series = seriesOf(c.selector, samples, suffix);
    if (series.size === 0) return missing(c.selector, samples, suffix);
    keep[key] = kept(series);
    changes.push(prev?.counters[key] ? increase(series, prev.counters[key]) : undefined);
  }
  const [first, second] = changes;
  if (first === undefined || prev === undefined) return { kind: "unknown", why: "first" };
  if (c.fn === "increase") return reading(first);
  if (c.fn === "rate")
    return now > prev.at ? reading(first / ((now - prev.at) / 1000)) : { kind: "unknown", why: "first" };
  if (second === undefined) return { kind: "unknown", why: "first" };
  return second > 0 ? reading(first / second) : { kind: "unknown", why: "no_observations" };
}

/**
 * missing says what a scrape lacks for a selector: the metric itself, or (the name is there) a series whose labels
 * match, such as a model_name that is not the one served.
 */
function missing(sel: Selector, samples: readonly Sample[], suffix: string): Reading {
  const metric = sel.name + suffix;
  if (sel.matchers.length === 0 || !samples.some((s) => s.name === metric)) return { kind: "missing", metric };
  return { kind: "missing", metric, selector: sel.text.replace(sel.name, metric) };
}

/** seriesOf is the selector's series, by their labels (`suffix` reads a histogram's or summary's _sum, _count). */
function seriesOf(sel: Selector, samples: readonly Sample[], suffix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (!matches(sel, s, suffix)) continue;
    const key = JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** kept is what the state keeps of a selector's series: each one, or their sum past MAX_SERIES_KEPT. */
function kept(series: Map<string, number>): Record<string, number | null> {
  // JSON has no NaN or Infinity: such a value is kept as null and counts as a reset next run.
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  if (series.size > MAX_SERIES_KEPT) return { [SUM_KEY]: num(sum(series.values())) };
  return Object.fromEntries([...series].map(([k, v]) => [k, num(v)]));
}

/**
 * increase is the change of a counter since the previous scrape, series by series. A series whose value went down
 * was reset (the server restarted): its new value is what it counted since. A new series counts from zero.
 */
function increase(series: Map<string, number>, before: Record<string, number | null>): number {
  const step = (now: number, then: number | null | undefined) =>
    then === null || then === undefined || now < then ? now : now - then;
  if (Object.hasOwn(before, SUM_KEY) || series.size > MAX_SERIES_KEPT) {
    return step(sum(series.values()), before[SUM_KEY]);
  }
  let total = 0;
  for (const [key, now] of series) total += step(now, before[key]);
  return total;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
