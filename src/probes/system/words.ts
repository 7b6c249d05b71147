import type { Values, Words } from "../types.js";

const unitZh = (v: Values) => (v.unit === "/core" ? "/核" : v.unit);

/** words are the system probe's phrases; paths and numbers stay as written. */
export const words = {
  disk: { en: (v) => `disk ${v.path} ${v.pct}%`, "zh-CN": (v) => `磁盘 ${v.path} ${v.pct}%` },
  diskUnread: { en: (v) => `disk ${v.path}: ${v.why}`, "zh-CN": (v) => `磁盘 ${v.path}：${v.why}` },
  memory: { en: (v) => `memory ${v.pct}%`, "zh-CN": (v) => `内存 ${v.pct}%` },
  load: { en: (v) => `load ${v.perCore}/core`, "zh-CN": (v) => `负载 ${v.perCore}/核` },
  warning: {
    en: (v) => ` (warning at ${v.limit}${v.unit})`,
    "zh-CN": (v) => `（超过警告阈值 ${v.limit}${unitZh(v)}）`,
  },
  critical: {
    en: (v) => ` (critical at ${v.limit}${v.unit})`,
    "zh-CN": (v) => `（超过严重阈值 ${v.limit}${unitZh(v)}）`,
  },
  comma: { en: () => ", ", "zh-CN": () => "，" },
  nothing: { en: () => "nothing to check", "zh-CN": () => "没有要检查的项" },
} satisfies Words;
