import { socketWords } from "../socket.js";
import type { Words } from "../types.js";

/** words are the tcp probe's phrases; `target` (host:port) stays as written in every locale. */
export const words = {
  accepted: {
    en: (v) => `${v.target} accepted the connection in ${v.ms}ms`,
    "zh-CN": (v) => `${v.target} 已接受连接，耗时 ${v.ms} 毫秒`,
  },
  noAccept: {
    en: (v) => `${v.target} did not accept a connection within ${v.ms}ms`,
    "zh-CN": (v) => `${v.target} 在 ${v.ms} 毫秒内未接受连接`,
  },
  deadline: {
    en: (v) => `${v.target}: probe deadline reached before connecting`,
    "zh-CN": (v) => `${v.target}：连接前已到探测时限`,
  },
  target: { en: (v) => `${v.target} `, "zh-CN": (v) => `${v.target} ` },
  ...socketWords,
} satisfies Words;
