import { formatDuration } from "../duration.js";
import type { Message, NotifyItem } from "../engine/types.js";
import { evidenceLine, KERNEL_LABEL } from "../probes/kernel/evidence.js";
import { causeExplain, localizeCause } from "../probes/log/causes.js";
import { summaryIn } from "./summary.js";
import { EN, formatTime, ZH, type Words } from "./words.js";
import type { Locale } from "./types.js";

export { formatTime };

/** Rendered is a message in words: a subject line and a body, in plain text and markdown. */
export type Rendered = { subject: string; text: string; markdown: string };

/** describeRestart says in one line what a restart did. */
export function describeRestart(r: NonNullable<NotifyItem["restart"]>, w: Words): string {
  // A string was worded by an older version, when the alert was queued.
  const stops = typeof r.stopped === "string" ? [r.stopped] : (r.stopped ?? []).map((s) => w.stopStep(s));
  const first = stops.length ? `${stops.join("; ")}; ` : "";
  if (r.error !== undefined) return first + w.hookFailed(r.error);
  const code = r.timedOut ? "timeout" : (r.signal ?? String(r.exitCode));
  const parts = [w.exit(code, w.dur(r.durationMs)), ...(r.after ? [w.status[r.after] ?? r.after] : [])];
  if (r.helped && r.backAfterMs !== undefined) parts.push(w.backAfter(w.dur(r.backAfterMs)));
  if (!r.helped && r.waitedMs !== undefined) parts.push(w.stillDown(w.dur(r.waitedMs)));
  const hint = r.hint ? `; ${typeof r.hint === "string" ? r.hint : w.heldPort(r.hint)}` : "";
  return `${first}${r.helped ? w.helped : w.notHelped} ${w.paren(parts)}${hint}`;
}

/** lostLines name the alerts a channel refused before, one line each, oldest first. */
function lostLines(channel: string, lost: NonNullable<Message["lostBefore"]>, w: Words): string[] {
  const n = lost.alerts.length + lost.omitted;
  const lines = lost.alerts.map(
    (a) =>
      `- ${formatTime(a.at)} ${a.check}: ${w.status[a.status] ?? a.status}${w.tag(a.reason, a.step)}: ${a.summary}`,
  );
  return [w.lostIntro(channel, n, lost.error), ...(lost.omitted ? [w.lostMore(lost.omitted)] : []), ...lines];
}

function itemLines(
  i: NotifyItem,
  host: string,
  w: Words,
  locale: Locale,
): { label: string; value: string; block?: string[] }[] {
  // Flap notices stand outside the ladder: no "escalation step" label for them.
  const why = i.notice || (i.reason === "step" && !i.step) ? "" : w.tag(i.reason, i.step);
  const rows: { label: string; value: string; block?: string[] }[] = [
    { label: w.check, value: `${i.check}${why}` },
    { label: w.host, value: host },
    { label: w.state, value: `${w.status[i.status]}${w.colon}${summaryIn(i, locale)}` },
  ];
  if (i.reason === "recovered") {
    rows.push({ label: w.outage, value: `${w.dur(i.outageMs ?? 0)}${w.since(formatTime(i.since))}` });
  } else if (i.reason !== "test" && i.notice !== "config_invalid") {
    // A broken config is no failing check: its line already says since when.
    rows.push({ label: "", value: w.streak(i.failStreak, formatTime(i.since)) });
  }
  if (i.cause) rows.push({ label: w.cause, value: localizeCause(i.cause, locale) });
  for (const e of i.kernel ?? [])
    rows.push({ label: KERNEL_LABEL[locale], value: evidenceLine(e, locale, formatTime) });
  if (i.excerpt?.length) rows.push({ label: w.excerpt, value: "", block: i.excerpt });
  if (i.restart)
    rows.push({
      label: w.restart,
      value: describeRestart(i.restart, w),
      block: i.restart.outputTail ? i.restart.outputTail.split("\n").slice(-5) : undefined,
    });
  if (i.restartSkipped) {
    rows.push({ label: w.restart, value: w.restartSkipped(causeExplain(i.restartSkipped, locale)) });
  }
  if (i.reason === "restart_gave_up") {
    const block = i.lastHookTail ? i.lastHookTail.split("\n").slice(-5) : undefined;
    rows.push({ label: w.restart, value: w.gaveUp, block });
  }
  if (i.restarts > 0 && !i.restart) rows.push({ label: w.restart, value: w.restarts(i.restarts, i.restartsHelped) });
  if (i.detail && i.reason !== "recovered") rows.push({ label: "", value: i.detail });
  if (i.alsoAffected?.length) rows.push({ label: w.alsoAffected, value: i.alsoAffected.join(", ") });
  if (i.notice === "flapping") rows.push({ label: "", value: w.flapping(i.flapShare ?? 0) });
  if (i.notice === "stable") rows.push({ label: "", value: w.stable });
  if (i.wasFlapping) rows.push({ label: "", value: w.wasFlapping(i.failStreak) });
  if (i.afterMaintenance) rows.push({ label: "", value: w.afterMaintenance(i.failStreak) });
  if (i.notBack) {
    const last = i.notBack.loadMs !== undefined ? w.dur(i.notBack.loadMs) : undefined;
    rows.push({ label: "", value: w.notBack(w.dur(i.notBack.agoMs), last) });
  }
  if (i.monitorGapMs !== undefined) rows.push({ label: "", value: w.gap(w.dur(i.monitorGapMs)) });
  if (i.runbook) rows.push({ label: w.runbook, value: i.runbook });
  return rows;
}

/** renderText renders a message for every channel: a subject, a plain-text body and a markdown body. */
export function renderText(m: Message, locale: Locale): Rendered {
  const w = locale === "zh-CN" ? ZH : EN;
  const first = m.items[0];
  // The subject counts checks: each check speaks through its latest item (two alerts of one check are one check).
  const latest = [...new Map(m.items.map((i) => [i.check, i])).values()];
  const recovered = latest.filter((i) => i.reason === "recovered").length;
  const subject = m.notice
    ? m.notice.type === "channel_failing"
      ? w.failingSubject(m.notice, m.host)
      : w.limitSubject(m.notice.channel, m.host)
    : first?.reason === "test"
      ? w.testSubject(m.host)
      : latest.length === 1 && latest[0]
        ? w.subjectOne(latest[0], m.host)
        : w.subjectMany(latest.length, m.host, recovered, worstStatus(latest));
  const text: string[] = [];
  const md: string[] = [`### ${subject}`];
  const intro = (line: string) => {
    text.push(line, "");
    md.push(line, "");
  };
  if (m.fallbackFrom) intro(w.fallback(m.fallbackFrom));
  if (m.fallbackFrom && m.fallbackWhy) intro(w.fallbackWhy(m.fallbackFrom, m.fallbackWhy));
  if (m.heldBy && (m.mergedIds?.length ?? 1) >= 1) intro(w.held(m.mergedIds?.length ?? 1, m.heldBy));
  if (m.notice)
    intro(
      m.notice.type === "channel_failing"
        ? w.failingText(m.notice)
        : w.limitText(m.notice.channel, m.notice.limit, m.notice.day),
    );
  for (const item of m.items) {
    if (m.items.length > 1) {
      text.push(`== ${w.status[item.status]} ${item.check}`);
      md.push(`#### ${w.status[item.status]} ${item.check}`);
    }
    for (const row of itemLines(item, m.host, w, locale)) {
      const head = row.label ? `${row.label}${w.colon}` : "";
      text.push(`${head}${row.value}`.trimEnd());
      md.push(`- ${row.label ? `**${row.label}**${w.colon}` : ""}${row.value}`.trimEnd());
      if (row.block?.length) {
        for (const l of row.block) text.push(`    ${l}`);
        md.push("```", ...row.block, "```");
      }
    }
    text.push("");
  }
  if (m.lostBefore) {
    const lines = lostLines(m.channel, m.lostBefore, w);
    text.push(...lines, "");
    md.push(...lines, "");
  }
  const ids = (m.mergedIds ?? [m.id]).join(", ");
  text.push(w.footer(ids));
  md.push("", `<font color="#888888">${w.footer(ids)}</font>`);
  return { subject, text: text.join("\n"), markdown: md.join("\n") };
}

/** SMS_FIELDS are the message fields an SMS template variable can take (`template_params: {var: field}`). */
export const SMS_FIELDS = [
  "host",
  "check",
  "status",
  "summary",
  "reason",
  "streak",
  "since",
  "cause",
  "count",
  "id",
  "subject",
  "outage",
] as const;

/**
 * smsParams maps SMS template variables to message fields, each cut to maxLen characters (the vendor's limit).
 * With several checks in one message, `check` lists them and the other fields speak of the worst one.
 */
export function smsParams(
  m: Message,
  mapping: Readonly<Record<string, string>>,
  locale: Locale,
  maxLen: number,
): Record<string, string> {
  const w = locale === "zh-CN" ? ZH : EN;
  const worst = m.items.find((i) => i.severity === "critical" && i.reason !== "recovered") ?? m.items[0];
  const fields: Record<string, string> = {
    host: m.host,
    check: m.items.map((i) => i.check).join(",") || (m.notice ? m.notice.channel : ""),
    status: worst
      ? worst.reason === "recovered" || worst.reason === "test"
        ? w.reason[worst.reason]
        : (w.status[worst.status] ?? worst.status)
      : "",
    summary:
      worst?.summary ??
      (m.notice
        ? m.notice.type === "channel_failing"
          ? w.failingSubject(m.notice, m.host)
          : w.limitText(m.notice.channel, m.notice.limit, m.notice.day)
        : ""),
    reason: worst ? w.reason[worst.reason] : "",
    streak: String(worst?.failStreak ?? 0),
    since: worst ? formatTime(worst.since).slice(5, 16) : "",
    cause: worst?.cause ?? "",
    count: String(new Set(m.items.map((i) => i.check)).size),
    id: m.id,
    subject: renderText(m, locale).subject,
    outage: worst?.outageMs !== undefined ? formatDuration(worst.outageMs) : "",
  };
  const out: Record<string, string> = {};
  for (const [variable, field] of Object.entries(mapping))
    out[variable] = [...(fields[field] ?? field)].slice(0, maxLen).join("");
  return out;
}

/** worstStatus is the most severe status among the items that are not recoveries (critical > unknown > warning). */
function worstStatus(items: readonly NotifyItem[]): string {
  const open = items.filter((i) => i.reason !== "recovered").map((i) => i.status);
  return (["critical", "unknown", "warning"] as const).find((s) => open.includes(s)) ?? "ok";
}
