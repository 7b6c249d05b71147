import { formatDuration } from "../../duration.js";

/** PageLocale is a language the status page speaks (the config's `locale`). */
export type PageLocale = "en" | "zh-CN";

/** PageWords are the fixed texts of the status page in one language. */
export type PageWords = {
  lang: string;
  status: Record<"ok" | "warning" | "critical" | "unknown" | "pending" | "none", string>;
  checks: string;
  lastRun: (at: string, took: string, ago: string) => string;
  noRun: string;
  late: (ago: string) => string;
  lateStatic: string;
  gap: (d: string) => string;
  summaryLine: (n: Record<string, number>) => string;
  streakFail: (n: number) => string;
  streakOk: (n: number) => string;
  since: string;
  step: (reached: number, of: number) => string;
  peakStep: (n: number) => string;
  noIncident: string;
  incidentOpen: string;
  cause: string;
  noCause: string;
  restarts: (n: number) => string;
  acked: (at: string, note: string | undefined) => string;
  silenced: (until: string, reason: string) => string;
  flapping: (share: number) => string;
  heldDepends: string;
  /** A check held while a restarted service loads: restarted this long ago, back after this long last time. */
  warming: (ago: string, last: string | undefined) => string;
  gaveUp: string;
  day: string;
  week: string;
  incidents: string;
  ongoing: string;
  more: (n: number) => string;
  silences: string;
  noSilences: string;
  whoNotRecorded: string;
  colPattern: string;
  colReason: string;
  colUntil: string;
  colBy: string;
  outbox: string;
  outboxLine: (waiting: number, dropped: number) => string;
  colChannel: string;
  colChecks: string;
  colAttempts: string;
  colNext: string;
  colError: string;
  dropped: string;
  now: string;
  generated: (at: string, every: string) => string;
  spark: Record<string, string>;
  dur: (ms: number) => string;
};

const EN: PageWords = {
  lang: "en",
  status: {
    ok: "OK",
    warning: "WARNING",
    critical: "CRITICAL",
    unknown: "UNKNOWN",
    pending: "PENDING",
    none: "no data",
  },
  checks: "Checks",
  lastRun: (at, took, ago) => `Last run ${at} (${ago} ago, took ${took})`,
  noRun: "No run yet",
  late: (ago) => `watchdog is late: its last run was ${ago} ago`,
  lateStatic: "If the time above is old, watchdog itself has stopped running (cron or timer gone).",
  gap: (d) => `watchdog was not running for ${d} before a recent run`,
  summaryLine: (n) =>
    `${n.ok ?? 0} ok, ${n.warning ?? 0} warning, ${n.critical ?? 0} critical, ${n.unknown ?? 0} unknown`,
  streakFail: (n) => `failing ${n} run${n === 1 ? "" : "s"} in a row`,
  streakOk: (n) => `ok ${n} run${n === 1 ? "" : "s"} in a row`,
  since: "since",
  step: (r, of) => `ladder step ${r} of ${of}`,
  peakStep: (n) => `reached step ${n}`,
  noIncident: "no open incident",
  incidentOpen: "Open incident",
  cause: "probable cause",
  noCause: "not known",
  restarts: (n) => `${n} restart${n === 1 ? "" : "s"}`,
  acked: (at, note) => `acknowledged ${at}${note ? `: ${note}` : ""}`,
  silenced: (until, reason) => `silenced until ${until}${reason ? `: ${reason}` : ""}`,
  flapping: (share) => `flapping (${share}% state changes)`,
  heldDepends: "held: a check it depends on fails",
  warming: (ago, last) => `warming up: restarted ${ago} ago${last ? `, came back in ${last} last time` : ""}`,
  gaveUp: "gave up restarting",
  day: "last 24 h",
  week: "last 7 d",
  incidents: "Incidents",
  ongoing: "ongoing",
  more: (n) => `and ${n} more`,
  silences: "Silences and acknowledgements",
  noSilences: "No active silence.",
  whoNotRecorded: "not recorded",
  colPattern: "Checks",
  colReason: "Why",
  colUntil: "Until",
  colBy: "Who",
  outbox: "Notifications",
  outboxLine: (w, d) => `${w} waiting in the outbox, ${d} dropped in total`,
  colChannel: "Channel",
  colChecks: "Checks",
  colAttempts: "Attempts",
  colNext: "Next try",
  colError: "Last error",
  dropped: "Dropped",
  now: "now",
  generated: (at, every) => `Page written ${at}; it reloads itself every ${every}.`,
  spark: {
    latency: "latency",
    ttft: "time to first token",
    connect: "connect time",
    gpumem: "GPU memory",
    temp: "temperature",
  },
  dur: (ms) => formatDuration(ms, "en"),
};

const ZH: PageWords = {
  lang: "zh-CN",
  status: { ok: "正常", warning: "警告", critical: "严重", unknown: "未知", pending: "待检查", none: "无数据" },
  checks: "检查项",
  lastRun: (at, took, ago) => `上次运行 ${at}（${ago}前，耗时 ${took}）`,
  noRun: "尚未运行",
  late: (ago) => `watchdog 已延迟：上次运行在 ${ago}前`,
  lateStatic: "如果上面的时间已经很久，说明 watchdog 本身已停止运行（cron 或定时器已失效）。",
  gap: (d) => `最近一次运行之前，watchdog 有 ${d}没有运行`,
  summaryLine: (n) => `正常 ${n.ok ?? 0}，警告 ${n.warning ?? 0}，严重 ${n.critical ?? 0}，未知 ${n.unknown ?? 0}`,
  streakFail: (n) => `连续失败 ${n} 次`,
  streakOk: (n) => `连续正常 ${n} 次`,
  since: "开始于",
  step: (r, of) => `告警级别 ${r}/${of}`,
  peakStep: (n) => `最高第 ${n} 级`,
  noIncident: "没有未解决的事件",
  incidentOpen: "未解决的事件",
  cause: "可能原因",
  noCause: "未知",
  restarts: (n) => `重启 ${n} 次`,
  acked: (at, note) => `已确认（${at}）${note ? `：${note}` : ""}`,
  silenced: (until, reason) => `已静默至 ${until}${reason ? `：${reason}` : ""}`,
  flapping: (share) => `状态抖动（变化 ${share}%）`,
  heldDepends: "已暂缓：其依赖的检查项失败",
  warming: (ago, last) => `正在启动：${ago}前重启${last ? `，上次 ${last}后恢复` : ""}`,
  gaveUp: "已放弃重启",
  day: "最近 24 小时",
  week: "最近 7 天",
  incidents: "事件",
  ongoing: "进行中",
  more: (n) => `另有 ${n} 个`,
  silences: "静默与确认",
  noSilences: "没有生效的静默。",
  whoNotRecorded: "未记录",
  colPattern: "检查项",
  colReason: "原因",
  colUntil: "截止",
  colBy: "操作人",
  outbox: "通知",
  outboxLine: (w, d) => `待发送 ${w} 条，累计丢弃 ${d} 条`,
  colChannel: "渠道",
  colChecks: "检查项",
  colAttempts: "尝试次数",
  colNext: "下次尝试",
  colError: "最近错误",
  dropped: "已丢弃",
  now: "现在",
  generated: (at, every) => `页面生成于 ${at}；每 ${every}自动刷新。`,
  spark: { latency: "延迟", ttft: "首字延迟", connect: "连接时间", gpumem: "显存", temp: "温度" },
  dur: (ms) => formatDuration(ms, "zh-CN"),
};

/** wordsFor returns the page texts of a locale. */
export function wordsFor(locale: PageLocale): PageWords {
  return locale === "zh-CN" ? ZH : EN;
}
