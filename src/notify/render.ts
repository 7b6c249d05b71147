import { formatDuration } from "../duration.js";
import type { ChannelFailingNotice, Message, NotifyItem } from "../engine/types.js";
import { localizeCause } from "../probes/log/causes.js";
import { summaryZh } from "./summary-zh.js";
import type { Locale } from "./types.js";

/** Rendered is a message in words: a subject line and a body, in plain text and markdown. */
export type Rendered = { subject: string; text: string; markdown: string };

type Words = {
  status: Record<string, string>;
  subjectOne(item: NotifyItem, host: string): string;
  /** A merged message: headed by the worst status of the items still failing, or as a recovery when all recovered. */
  subjectMany(n: number, host: string, recovered: number, worst: string): string;
  reason: Record<NotifyItem["reason"], string>;
  host: string;
  check: string;
  state: string;
  streak(n: number, since: string): string;
  outage: string;
  cause: string;
  excerpt: string;
  restart: string;
  runbook: string;
  restarts(n: number, helped: number): string;
  helped: string;
  notHelped: string;
  hookFailed(why: string): string;
  exit(code: string, ms: string): string;
  fallback(from: string): string;
  gaveUp: string;
  footer(id: string): string;
  testSubject(host: string): string;
  held(n: number, why: "quiet_hours" | "rate_limit"): string;
  limitSubject(channel: string, host: string): string;
  limitText(channel: string, limit: number, day: string): string;
  failingSubject(n: ChannelFailingNotice, host: string): string;
  failingText(n: ChannelFailingNotice): string;
  alsoAffected: string;
  flapping(share: number): string;
  stable: string;
  gap(d: string): string;
  /** Label separator (": " or the full-width "："), duration format, and the "(escalation step 2)" tag. */
  colon: string;
  paren(parts: string[]): string;
  dur(ms: number): string;
  tag(reason: NotifyItem["reason"], step: number): string;
  since(t: string): string;
};

const EN: Words = {
  status: { ok: "OK", warning: "WARNING", critical: "CRITICAL", unknown: "UNKNOWN" },
  subjectOne: (i, host) =>
    i.reason === "recovered"
      ? `[watchdog] RECOVERED ${i.check} on ` +
        `${host}${i.outageMs !== undefined ? ` after ${formatDuration(i.outageMs)}` : ""}`
      : i.reason === "restart_gave_up"
        ? `[watchdog] GIVING UP on restarts: ${i.check} on ${host}`
        : i.notice === "flapping"
          ? `[watchdog] FLAPPING ${i.check} on ${host}`
          : i.notice === "stable"
            ? `[watchdog] STABLE again: ${i.check} on ${host} (${EN.status[i.status]})`
            : `[watchdog] ${EN.status[i.status]} ${i.check} on ` +
              `${host}${i.reason === "reminder" ? " (still failing)" : ""}`,
  subjectMany: (n, host, rec, worst) =>
    rec === n
      ? `[watchdog] RECOVERED: ${n} checks on ${host}`
      : `[watchdog] ${EN.status[worst]}: ${n} checks on ${host}${rec ? `, ${rec} recovered` : ""}`,
  reason: {
    step: "escalation step",
    reminder: "reminder: still failing",
    recovered: "recovered",
    restart_gave_up: "giving up on restarts",
    digest: "held during quiet hours",
    test: "test message",
  },
  host: "Host",
  check: "Check",
  state: "Status",
  streak: (n, since) => `failing ${n} run${n === 1 ? "" : "s"} in a row, since ${since}`,
  outage: "Outage",
  cause: "Probable cause",
  excerpt: "Log excerpt",
  restart: "Restart",
  runbook: "Runbook",
  restarts: (n, h) => `${n} restart${n === 1 ? "" : "s"} made, ${h} helped`,
  helped: "restart helped",
  notHelped: "restart did not help",
  hookFailed: (why) => `restart hook failed: ${why}`,
  exit: (code, ms) => `exit ${code} after ${ms}`,
  fallback: (from) => `(sent here because channel "${from}" could not deliver it)`,
  gaveUp: "restart limit reached: no more restarts until the check recovers",
  footer: (id) => `watchdog message ${id}`,
  testSubject: (host) => `[watchdog] Test message from ${host}`,
  held: (n, why) =>
    why === "quiet_hours"
      ? `Held during quiet hours: ${n} message${n === 1 ? "" : "s"} in one digest.`
      : `Held by the rate limit: ${n} messages merged.`,
  limitSubject: (ch, host) => `[watchdog] SMS daily limit reached on ${host} (${ch})`,
  limitText: (ch, limit, day) =>
    `Channel "${ch}" has sent its daily limit of ${limit} messages for ${day}: no more are sent through it today. ` +
    "Alerts still go to the other channels.",
  failingSubject: (n, host) => `[watchdog] CHANNEL FAILING: ${n.channel} on ${host} ${n.problem}`,
  failingText: (n) =>
    `Channel "${n.channel}" ${n.problem} since ${formatTime(n.since)}: alerts now go to ${n.others.join(", ")} only. ` +
    `Error: ${n.error}. Fix it, then \`watchdog test-notify ${n.channel}\`. This is said once; \`watchdog status\` ` +
    "shows it until the channel delivers again.",
  alsoAffected: "Also affected",
  flapping: (share) => `the check is flapping (${share}% state changes): notifications are held until it is stable`,
  stable: "the check is stable again",
  gap: (d) => `watchdog itself did not run for ${d} before this run`,
  colon: ": ",
  paren: (parts) => `(${parts.join(", ")})`,
  dur: (ms) => formatDuration(ms),
  tag: (reason, step) => ` (${EN.reason[reason]}${step ? ` ${step}` : ""})`,
  since: (t) => ` (${t})`,
};

/** ZH_PROBLEM words a failing channel's problem (channel-health.ts) in Chinese. */
const ZH_PROBLEM: Record<string, string> = {
  "refuses the credentials": "凭据被拒绝",
  "is not configured right": "配置有误",
  "refuses the messages": "消息被拒收",
  "answers with an error": "服务商返回错误",
  "cannot be reached": "无法连接",
  "does not answer": "无响应",
  "keeps failing on its side": "服务端持续出错",
  "keeps rate-limiting": "持续被限流",
  "dropped a message": "有消息被丢弃",
  "cannot deliver": "无法送达",
};

const ZH: Words = {
  status: { ok: "正常", warning: "警告", critical: "严重", unknown: "未知" },
  subjectOne: (i, host) =>
    i.reason === "recovered"
      ? `【恢复】${host} ` +
        `${i.check}${i.outageMs !== undefined ? ` 已恢复，故障时长 ${formatDuration(i.outageMs, "zh-CN")}` : " 已恢复"}`
      : i.reason === "restart_gave_up"
        ? `【告警】${host} ${i.check} 重启次数已用尽，停止自动重启`
        : i.notice === "flapping"
          ? `【告警】${host} ${i.check} 状态频繁变化`
          : i.notice === "stable"
            ? `【通知】${host} ${i.check} 状态已稳定（${ZH.status[i.status]}）`
            : `【告警】${host} ${i.check} ${ZH.status[i.status]}${i.reason === "reminder" ? "（仍未恢复）" : ""}`,
  subjectMany: (n, host, rec, worst) =>
    rec === n
      ? `【恢复】${host} 共 ${n} 项检查已恢复`
      : `【告警】${host} 共 ${n} 项检查${ZH.status[worst]}${rec ? `，${rec} 项已恢复` : ""}`,
  reason: {
    step: "告警升级",
    reminder: "提醒：仍未恢复",
    recovered: "已恢复",
    restart_gave_up: "停止自动重启",
    digest: "免打扰时段内暂存的消息",
    test: "测试消息",
  },
  host: "主机",
  check: "检查项",
  state: "状态",
  streak: (n, since) => `连续失败 ${n} 次，开始于 ${since}`,
  outage: "故障时长",
  cause: "可能原因",
  excerpt: "日志摘录",
  restart: "重启",
  runbook: "处理手册",
  restarts: (n, h) => `已重启 ${n} 次，其中 ${h} 次有效`,
  helped: "重启后已恢复",
  notHelped: "重启后仍未恢复",
  hookFailed: (why) => `重启命令失败：${why}`,
  exit: (code, ms) => `退出码 ${code}，耗时 ${ms}`,
  fallback: (from) => `（渠道 "${from}" 发送失败，改由此渠道发送）`,
  gaveUp: "已达到重启次数上限：恢复前不再自动重启",
  footer: (id) => `watchdog 消息 ${id}`,
  testSubject: (host) => `【测试】来自 ${host} 的 watchdog 测试消息`,
  held: (n, why) =>
    why === "quiet_hours" ? `免打扰时段内暂存的 ${n} 条消息，合并发送。` : `受频率限制暂存的 ${n} 条消息，合并发送。`,
  limitSubject: (ch, host) => `【告警】${host} 短信已达每日上限（${ch}）`,
  limitText: (ch, limit, day) =>
    `渠道 "${ch}" 在 ${day} 已发送 ${limit} 条，达到每日上限，今天不再通过它发送。告警仍会发往其他渠道。`,
  failingSubject: (n, host) => `【告警】${host} 通知渠道 ${n.channel} 无法发送`,
  failingText: (n) =>
    `通知渠道 "${n.channel}" 自 ${formatTime(n.since)} 起无法发送（${ZH_PROBLEM[n.problem] ?? n.problem}）：` +
    `告警现在只发往 ${n.others.join("、")}。` +
    `错误：${n.error}。修复后请运行 \`watchdog test-notify ${n.channel}\`。` +
    "此通知每次故障只发一次；在渠道恢复发送之前，`watchdog status` 会一直显示。",
  alsoAffected: "同时受影响",
  flapping: (share) => `状态频繁变化（${share}%），暂停通知直至稳定`,
  stable: "状态已恢复稳定",
  gap: (d) => `在本次运行之前，watchdog 自身已有 ${d} 没有运行`,
  colon: "：",
  paren: (parts) => `（${parts.join("，")}）`,
  dur: (ms) => formatDuration(ms, "zh-CN"),
  tag: (reason, step) =>
    reason === "step" && step ? `（第 ${step} 级告警）` : `（${ZH.reason[reason]}${step ? `，第 ${step} 级` : ""}）`,
  since: (t) => `（开始于 ${t}）`,
};

/** formatTime renders epoch ms as local "YYYY-MM-DD HH:mm:ss±hh:mm". */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const tz = `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${tz}`
  );
}

/** describeRestart says in one line what a restart did. */
export function describeRestart(r: NonNullable<NotifyItem["restart"]>, w: Words): string {
  if (r.error !== undefined) return w.hookFailed(r.error);
  const code = r.timedOut ? "timeout" : (r.signal ?? String(r.exitCode));
  const parts = [w.exit(code, w.dur(r.durationMs)), ...(r.after ? [w.status[r.after] ?? r.after] : [])];
  return `${r.helped ? w.helped : w.notHelped} ${w.paren(parts)}`;
}

function itemLines(
  i: NotifyItem,
  host: string,
  w: Words,
  locale: Locale,
): { label: string; value: string; block?: string[] }[] {
  // Flap notices stand outside the ladder: no "escalation step" label for them.
  const why = i.notice ? "" : w.tag(i.reason, i.step);
  const rows: { label: string; value: string; block?: string[] }[] = [
    { label: w.check, value: `${i.check}${why}` },
    { label: w.host, value: host },
    {
      label: w.state,
      value: `${w.status[i.status]}${w.colon}${locale === "zh-CN" ? summaryZh(i.summary) : i.summary}`,
    },
  ];
  if (i.reason === "recovered") {
    rows.push({ label: w.outage, value: `${w.dur(i.outageMs ?? 0)}${w.since(formatTime(i.since))}` });
  } else if (i.reason !== "test") {
    rows.push({ label: "", value: w.streak(i.failStreak, formatTime(i.since)) });
  }
  if (i.cause) rows.push({ label: w.cause, value: localizeCause(i.cause, locale) });
  if (i.excerpt?.length) rows.push({ label: w.excerpt, value: "", block: i.excerpt });
  if (i.restart)
    rows.push({
      label: w.restart,
      value: describeRestart(i.restart, w),
      block: i.restart.outputTail ? i.restart.outputTail.split("\n").slice(-5) : undefined,
    });
  if (i.reason === "restart_gave_up") rows.push({ label: w.restart, value: w.gaveUp });
  if (i.restarts > 0 && !i.restart) rows.push({ label: w.restart, value: w.restarts(i.restarts, i.restartsHelped) });
  if (i.detail && i.reason !== "recovered") rows.push({ label: "", value: i.detail });
  if (i.alsoAffected?.length) rows.push({ label: w.alsoAffected, value: i.alsoAffected.join(", ") });
  if (i.notice === "flapping") rows.push({ label: "", value: w.flapping(i.flapShare ?? 0) });
  if (i.notice === "stable") rows.push({ label: "", value: w.stable });
  if (i.monitorGapMs !== undefined) rows.push({ label: "", value: w.gap(w.dur(i.monitorGapMs)) });
  if (i.runbook) rows.push({ label: w.runbook, value: i.runbook });
  return rows;
}

/** renderText renders a message for every channel: a subject, a plain-text body and a markdown body. */
export function renderText(m: Message, locale: Locale): Rendered {
  const w = locale === "zh-CN" ? ZH : EN;
  const first = m.items[0];
  const recovered = m.items.filter((i) => i.reason === "recovered").length;
  const subject = m.notice
    ? m.notice.type === "channel_failing"
      ? w.failingSubject(m.notice, m.host)
      : w.limitSubject(m.notice.channel, m.host)
    : first?.reason === "test"
      ? w.testSubject(m.host)
      : m.items.length === 1 && first
        ? w.subjectOne(first, m.host)
        : w.subjectMany(m.items.length, m.host, recovered, worstStatus(m.items));
  const text: string[] = [];
  const md: string[] = [`### ${subject}`];
  const intro = (line: string) => {
    text.push(line, "");
    md.push(line, "");
  };
  if (m.fallbackFrom) intro(w.fallback(m.fallbackFrom));
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
    count: String(m.items.length),
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
