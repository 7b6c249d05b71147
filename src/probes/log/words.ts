import type { Values, Words } from "../types.js";

const STATUS_ZH: Record<string, string> = { critical: "严重", warning: "警告", unknown: "未知", ok: "正常" };
const statusZh = (v: Values) => STATUS_ZH[String(v.status)] ?? String(v.status);

/** words are the log probe's phrases; paths, sizes and cause ids stay as written. */
export const words = {
  nothing: {
    en: () => "nothing to look for: give patterns, or causes: builtin",
    "zh-CN": () => "没有要查找的内容：请设置 patterns，或 causes: builtin",
  },
  matched: {
    en: (v) => `${v.n} new matching line${v.n === 1 ? "" : "s"} in ${v.where}`,
    "zh-CN": (v) => `${v.where} 中有 ${v.n} 行新的匹配`,
  },
  cause: { en: (v) => ` (probable cause: ${v.cause})`, "zh-CN": (v) => `（可能原因：${v.cause}）` },
  quiet: {
    en: (v) => `no new matching lines in ${v.where} (${v.read} read)`,
    "zh-CN": (v) => `${v.where} 中没有新的匹配行（已读 ${v.read}）`,
  },
  held: {
    en: (v) => `no new matches; held ${v.status} for ${v.left} more after: `,
    "zh-CN": (v) => `没有新的匹配；上次匹配后仍保持${statusZh(v)} ${v.left}：`,
  },
  /** A summary kept from before summaries had a structured form, shown as it was written. */
  text: { en: (v) => `${v.text}`, "zh-CN": (v) => `${v.text}` },
  missing: { en: (v) => `${v.file} does not exist`, "zh-CN": (v) => `${v.file} 不存在` },
  noMatch: {
    en: (v) => `${v.file} does not exist (no file matches)`,
    "zh-CN": (v) => `${v.file} 不存在（没有匹配的文件）`,
  },
  denied: {
    en: (v) => `${v.file}: permission denied (run watchdog as a user that can read it, e.g. in the adm group)`,
    "zh-CN": (v) => `${v.file}：权限不足（请以能读取它的用户运行 watchdog，例如 adm 组的成员）`,
  },
  directory: {
    en: (v) => `${v.file} is a directory, not a log file`,
    "zh-CN": (v) => `${v.file} 是目录，不是日志文件`,
  },
  special: {
    en: (v) => `${v.file}: not a regular file: ${v.kind}`,
    "zh-CN": (v) => `${v.file}：不是普通文件：${v.kind}`,
  },
  unreadable: { en: (v) => `${v.file}: cannot read (${v.why})`, "zh-CN": (v) => `${v.file}：无法读取（${v.why}）` },
} satisfies Words;
