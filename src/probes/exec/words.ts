import type { Words } from "../types.js";

/** words are the exec probe's phrases; a plugin's own output (`text`) is shown as it printed it. */
export const words = {
  notFound: { en: (v) => `${v.name}: command not found`, "zh-CN": (v) => `${v.name}：命令不存在` },
  notExecutable: { en: (v) => `${v.name}: not executable (EACCES)`, "zh-CN": (v) => `${v.name}：不可执行（EACCES）` },
  spawnFailed: { en: (v) => `${v.name}: ${v.why}`, "zh-CN": (v) => `${v.name}：${v.why}` },
  timedOut: {
    en: (v) => `${v.name} did not finish within ${v.within} (killed)`,
    "zh-CN": (v) => `${v.name} 未在 ${v.within} 内结束（已终止）`,
  },
  text: { en: (v) => `${v.text}`, "zh-CN": (v) => `${v.text}` },
  printedNothing: { en: (v) => `${v.name} printed nothing`, "zh-CN": (v) => `${v.name} 没有输出` },
  killed: { en: (v) => `${v.name} was killed by ${v.signal}: `, "zh-CN": (v) => `${v.name} 被 ${v.signal} 终止：` },
  exited: {
    en: (v) => `${v.name} exited ${v.code} (not a plugin status): `,
    "zh-CN": (v) => `${v.name} 退出码 ${v.code}（不是插件状态码）：`,
  },
} satisfies Words;
