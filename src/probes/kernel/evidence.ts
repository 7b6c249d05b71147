/**
 * What the kernel log says of a failing service: an OOM kill of one of its processes (named with certainty), an OOM
 * kill of another process in the same window (named as "possibly"), and any NVRM Xid (the GPU is shared). The result
 * carries it as `kernel`, and the probable cause it names as `cause`.
 */
import type { Locale } from "../../core/status.js";
import { stripControl } from "../../text.js";
import { causePriority } from "../log/causes.js";
import { formatKb, memcgConstraint, parseOomKill } from "./oom.js";
import type { KernelLine } from "./read.js";
import { parseXid, rootXid, xidInfo } from "./xid.js";

/** KernelEvidence is one finding of the kernel log, in structured form; the renderer words it in each locale. */
export type KernelEvidence =
  | { kind: "oom"; at: number; pid: number; comm: string; anonRssKb: number; cgroup: boolean; certain: boolean }
  | { kind: "xid"; at: number; pci: string; code: number; causedBy?: number; pid?: number; name?: string };

/** Watched is what a check knows of its service's processes: their pids, and the process name it looks for. */
export type Watched = { pids: readonly number[]; comm?: string };

/** At most this many findings of each kind go into one alert: a GPU in trouble repeats its Xid many times. */
const MAX_EACH = 3;

/** findEvidence reads the kernel lines of the window for what they say of the watched service. */
export function findEvidence(lines: readonly KernelLine[], watched: Watched): KernelEvidence[] {
  const memcg = new Set<number>();
  const ooms = new Map<number, Extract<KernelEvidence, { kind: "oom" }>>();
  const xids = new Map<string, Extract<KernelEvidence, { kind: "xid" }>>();
  for (const { at, text } of lines) {
    const limited = memcgConstraint(text);
    if (limited !== undefined) memcg.add(limited);
    const kill = parseOomKill(text);
    if (kill && !ooms.has(kill.pid)) {
      // A process names itself: its name goes to terminals and alerts only without control characters.
      kill.comm = stripControl(kill.comm);
      const certain = watched.pids.includes(kill.pid) || (watched.comm !== undefined && kill.comm === watched.comm);
      ooms.set(kill.pid, { kind: "oom", at, ...kill, cgroup: kill.cgroup || memcg.has(kill.pid), certain });
      continue;
    }
    const xid = parseXid(text);
    const key = xid && `${xid.pci} ${xid.code} ${xid.causedBy ?? ""}`;
    if (xid?.name !== undefined) xid.name = stripControl(xid.name);
    if (xid && key && !xids.has(key)) xids.set(key, { kind: "xid", at, ...xid });
  }
  const all = [...ooms.values()];
  return [
    ...all.filter((o) => o.certain).slice(0, MAX_EACH),
    ...[...xids.values()].slice(0, MAX_EACH),
    ...all.filter((o) => !o.certain).slice(0, MAX_EACH),
  ];
}

/**
 * evidenceCause is the catalog cause id the evidence names, the highest in the catalog: an OOM kill of the service
 * (host_oom), or an Xid's cause (that of the earlier Xid it says caused it). A kill of another process names none.
 */
export function evidenceCause(evidence: readonly KernelEvidence[]): string | undefined {
  const ids = evidence.flatMap((e) =>
    e.kind === "oom" ? (e.certain ? ["host_oom"] : []) : [xidInfo(rootXid(e)).cause],
  );
  return ids.sort((a, b) => causePriority(a) - causePriority(b))[0];
}

/** evidenceLine words one finding in the locale; `time` formats an epoch ms as the alert shows times. */
export function evidenceLine(e: KernelEvidence, locale: Locale, time: (ms: number) => string): string {
  const at = time(e.at);
  const zh = locale === "zh-CN";
  if (e.kind === "oom") {
    const who = zh
      ? `${e.comm}（pid ${e.pid}），anon-rss ${formatKb(e.anonRssKb)}`
      : `${e.comm} (pid ${e.pid}), anon-rss ${formatKb(e.anonRssKb)}`;
    const limit = e.cgroup
      ? zh
        ? "；这是其内存 cgroup 的上限（MemoryMax=、docker --memory），不是主机内存耗尽"
        : "; this was its memory cgroup's limit (MemoryMax=, docker --memory), not the host's RAM"
      : "";
    if (!e.certain) {
      return zh
        ? `可能相关：${at} 内核 OOM killer 杀死了 ${who}${limit}`
        : `possibly: the kernel's OOM killer killed ${who} at ${at}${limit}`;
    }
    return zh
      ? `${at} 被内核 OOM killer 杀死：${who}${limit}`
      : `killed by the kernel's OOM killer at ${at}: ${who}${limit}`;
  }
  const own = xidInfo(e.code).text[locale];
  const root = e.causedBy !== undefined ? xidInfo(e.causedBy).text[locale] : undefined;
  const gpu = `GPU PCI:${e.pci}`;
  if (root) {
    return zh
      ? `${gpu}：${at} Xid ${e.code}（${own.meaning}），由先前的 Xid ${e.causedBy} 引起：${root.meaning}——${root.action}`
      : `${gpu}: Xid ${e.code} at ${at} (${own.meaning}), caused by an earlier Xid ${e.causedBy}: ` +
          `${root.meaning} — ${root.action}`;
  }
  return zh
    ? `${gpu}：${at} Xid ${e.code}，${own.meaning}——${own.action}`
    : `${gpu}: Xid ${e.code} at ${at}, ${own.meaning} — ${own.action}`;
}

/** KERNEL_LABEL is the label of the evidence row in an alert. */
export const KERNEL_LABEL: Record<Locale, string> = { en: "Kernel", "zh-CN": "内核" };
