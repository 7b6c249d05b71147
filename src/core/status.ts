/*
 * The status vocabulary every layer speaks: a probe's verdict (Status), the level of an alert or a channel threshold
 * (Severity), the language of the texts (Locale). Config, probes, the engine, notify and the state file take them from
 * here, the ground floor, so none of them imports another for a word.
 */

/** STATUSES are the verdicts of one probe run. */
export const STATUSES = ["ok", "warning", "critical", "unknown"] as const;
/** Status is the verdict of one probe run. */
export type Status = (typeof STATUSES)[number];

/** SEVERITIES are the levels of an incident, a message or a channel's `min_severity`. */
export const SEVERITIES = ["warning", "critical"] as const;
/** Severity is the level of an incident or message: unknown counts as critical. */
export type Severity = (typeof SEVERITIES)[number];

/** severityRank orders statuses for "worst of": ok < warning < unknown < critical. */
export function severityRank(s: Status): number {
  return { ok: 0, warning: 1, unknown: 2, critical: 3 }[s];
}

/** worst returns the most severe of the given statuses (ok when empty). */
export function worst(statuses: Iterable<Status>): Status {
  let w: Status = "ok";
  for (const s of statuses) if (severityRank(s) > severityRank(w)) w = s;
  return w;
}

/** LOCALES are the languages alert texts, causes and the status page come in (`locale:`). */
export const LOCALES = ["en", "zh-CN"] as const;
/** Locale is a language the alert text comes in. */
export type Locale = (typeof LOCALES)[number];
