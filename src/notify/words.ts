import { formatDuration } from "../duration.js";
import type { ChannelFailingNotice, HeldPort, NotifyItem, StopStep } from "../engine/types.js";

// The words of watchdog's messages, in English and Chinese: every subject, label and sentence renderText puts
// together (render.ts), one table per language.

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

export type Words = {
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
  backAfter(d: string): string;
  stillDown(d: string): string;
  fallback(from: string): string;
  /** What the channel a fallback copy came from answered (WHY, with its fix), and how to prove the fix. */
  fallbackWhy(from: string, why: string): string;
  /** The head of the alerts a channel refused before (Message.lostBefore), and the count the bound let go. */
  lostIntro(channel: string, n: number, error: string): string;
  lostMore(n: number): string;
  gaveUp: string;
  /** What was done before the hook: the stop command's end, a process on the port ended (stop, stop_hung). */
  stopStep(s: StopStep): string;
  /** The old processes still on the port after a restart that did not help, and the fix. */
  heldPort(h: HeldPort): string;
  /** Why the restart a step asks for was skipped: the cause's explanation. */
  restartSkipped(explain: string): string;
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
  wasFlapping(runs: number): string;
  afterMaintenance(runs: number): string;
  /** A restarted service held while it loaded has not come back: how long ago, how long it took last time. */
  notBack(ago: string, last: string | undefined): string;
  gap(d: string): string;
  /** Label separator (": " or the full-width "："), duration format, and the "(escalation step 2)" tag. */
  colon: string;
  paren(parts: string[]): string;
  dur(ms: number): string;
  tag(reason: NotifyItem["reason"], step: number): string;
  since(t: string): string;
};

export const EN: Words = {
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
  backAfter: (d) => `back after ${d}`,
  stillDown: (d) => `still down after ${d} of re-probing`,
  fallback: (from) => `(sent here because channel "${from}" could not deliver it)`,
  fallbackWhy: (from, why) => `${from} answered: ${why}. After the fix, \`watchdog test-notify ${from}\` proves it.`,
  lostIntro: (channel, n, error) =>
    `Not delivered earlier: channel "${channel}" refused ${n} alert${n === 1 ? "" : "s"} (${error}):`,
  lostMore: (n) => `- and ${n} earlier alert${n === 1 ? "" : "s"}, not kept`,
  gaveUp: "restart limit reached: no more restarts until the check recovers",
  stopStep: (s) => {
    if (s.step === "command") {
      const how =
        s.spawnError !== undefined
          ? `could not start (${s.spawnError})`
          : s.timedOut
            ? "timed out"
            : s.signal
              ? `was killed by ${s.signal}`
              : `exited ${s.exitCode}`;
      return `stop command ${how}`;
    }
    const what = `pid ${s.pid} (${s.comm}) listening on port ${s.port}`;
    if (s.error !== undefined) return `could not stop ${what}: ${s.error}`;
    return `stopped first: ${what} (${s.by === "KILL" ? `KILL after ${formatDuration(s.graceMs ?? 0)}` : "TERM"})`;
  },
  heldPort: (h) =>
    `port ${h.port} is still held by ${h.pids.map((p) => `pid ${p.pid} (${p.comm})`).join(", ")}: ` +
    "set restart.stop_hung: true (or restart.stop) to end it first",
  restartSkipped: (explain) => `skipped: ${explain}; a restart cannot fix this`,
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
  wasFlapping: (n) => `was flapping; down for ${n} runs now: alerting as an outage`,
  afterMaintenance: (n) => `a maintenance window ended with the check still failing (${n} runs): alerting now`,
  notBack: (ago, last) =>
    `restarted ${ago} ago and has not come back${last ? ` (it came back in ${last} last time)` : ""}: alerts were ` +
    "held while it loaded (start_grace); read its log for why it does not finish starting",
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

export const ZH: Words = {
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
  backAfter: (d) => `${d} 后恢复`,
  stillDown: (d) => `持续探测 ${d} 后仍未恢复`,
  fallback: (from) => `（渠道 "${from}" 发送失败，改由此渠道发送）`,
  fallbackWhy: (from, why) => `${from} 的答复：${why}。修复后可用 \`watchdog test-notify ${from}\` 验证。`,
  lostIntro: (channel, n, error) => `此前未送达：渠道 "${channel}" 拒绝了 ${n} 条告警（${error}）：`,
  lostMore: (n) => `- 另有 ${n} 条更早的告警未保留`,
  gaveUp: "已达到重启次数上限：恢复前不再自动重启",
  stopStep: (s) => {
    if (s.step === "command") {
      const how =
        s.spawnError !== undefined
          ? `无法启动（${s.spawnError}）`
          : s.timedOut
            ? "超时"
            : s.signal
              ? `被 ${s.signal} 终止`
              : `退出码 ${s.exitCode}`;
      return `停止命令${how}`;
    }
    const what = `监听端口 ${s.port} 的进程 pid ${s.pid}（${s.comm}）`;
    if (s.error !== undefined) return `无法停止${what}：${s.error}`;
    return `已先停止${what}（${s.by === "KILL" ? `等待 ${formatDuration(s.graceMs ?? 0, "zh-CN")} 后 KILL` : "TERM"}）`;
  },
  heldPort: (h) =>
    `端口 ${h.port} 仍被 ${h.pids.map((p) => `pid ${p.pid}（${p.comm}）`).join("、")}占用：` +
    "设置 restart.stop_hung: true（或 restart.stop）以先结束它",
  restartSkipped: (explain) => `已跳过：${explain}，重启无法解决`,
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
  wasFlapping: (n) => `此前状态频繁变化；现已连续 ${n} 次失败，按故障告警`,
  afterMaintenance: (n) => `维护窗口已结束，检查仍失败（连续 ${n} 次）：现在告警`,
  notBack: (ago, last) =>
    `服务已于 ${ago}前重启，至今未恢复${last ? `（上次 ${last}后恢复）` : ""}：加载期间告警已暂缓（start_grace）；` +
    "请查看其日志，找出启动未完成的原因",
  gap: (d) => `在本次运行之前，watchdog 自身已有 ${d} 没有运行`,
  colon: "：",
  paren: (parts) => `（${parts.join("，")}）`,
  dur: (ms) => formatDuration(ms, "zh-CN"),
  tag: (reason, step) =>
    reason === "step" && step ? `（第 ${step} 级告警）` : `（${ZH.reason[reason]}${step ? `，第 ${step} 级` : ""}）`,
  since: (t) => `（开始于 ${t}）`,
};
