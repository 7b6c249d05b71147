import type { Values, Words } from "../types.js";

const es = (v: Values) => (v.n === 1 ? "" : "es");

/** words are the process probe's phrases; `what` (/pattern/, comm x, pidfile f) and pids stay as written. */
export const words = {
  selectors: {
    en: () => "a process check needs exactly one of match, comm or pidfile",
    "zh-CN": () => "进程检查需要 match、comm、pidfile 三者之一，且只能有一个",
  },
  noPidfile: {
    en: (v) => `pidfile ${v.file} does not exist (not running?)`,
    "zh-CN": (v) => `pid 文件 ${v.file} 不存在（未运行？）`,
  },
  pidfileUnread: {
    en: (v) => `cannot read pidfile ${v.file}: ${v.why}`,
    "zh-CN": (v) => `无法读取 pid 文件 ${v.file}：${v.why}`,
  },
  pidfileEmpty: { en: (v) => `pidfile ${v.file} holds no pid`, "zh-CN": (v) => `pid 文件 ${v.file} 中没有 pid` },
  procUnread: { en: (v) => `cannot read /proc: ${v.why}`, "zh-CN": (v) => `无法读取 /proc：${v.why}` },
  none: { en: (v) => `no process matches ${v.what}`, "zh-CN": (v) => `没有进程匹配 ${v.what}` },
  noneExpected: {
    en: (v) => `no process matches ${v.what}, as expected`,
    "zh-CN": (v) => `没有进程匹配 ${v.what}，符合预期`,
  },
  fewer: {
    en: (v) => `${v.n} process${es(v)} match ${v.what} (pid ${v.pids}), fewer than ${v.min}`,
    "zh-CN": (v) => `${v.n} 个进程匹配 ${v.what}（pid ${v.pids}），少于 ${v.min} 个`,
  },
  more: {
    en: (v) => `${v.n} processes match ${v.what} (pid ${v.pids}), more than ${v.max}`,
    "zh-CN": (v) => `${v.n} 个进程匹配 ${v.what}（pid ${v.pids}），多于 ${v.max} 个`,
  },
  match: {
    en: (v) => `${v.n} process${es(v)} match ${v.what}: pid ${v.pids}`,
    "zh-CN": (v) => `${v.n} 个进程匹配 ${v.what}：pid ${v.pids}`,
  },
  rss: {
    en: (v) => `; pid ${v.pid} uses ${v.rss} RSS, over ${v.limit}`,
    "zh-CN": (v) => `；pid ${v.pid} 占用 ${v.rss} RSS，超过 ${v.limit}`,
  },
  zombies: {
    en: (v) => `; ${v.n} zombie${v.n === 1 ? "" : "s"} not counted (pid ${v.pids})`,
    "zh-CN": (v) => `；${v.n} 个僵尸进程未计入（pid ${v.pids}）`,
  },
} satisfies Words;
