import { socketWords } from "../socket.js";
import type { Words } from "../types.js";

/** words are the http probe's phrases; URLs, codes and the expected values stay as written in every locale. */
export const words = {
  request: { en: (v) => `${v.method} ${v.url} `, "zh-CN": (v) => `${v.method} ${v.url} ` },
  deadline: { en: () => "probe deadline reached", "zh-CN": () => "已到探测时限" },
  bodyLate: {
    en: (v) => `answered ${v.code}, but the body was not complete within ${v.within}`,
    "zh-CN": (v) => `返回 ${v.code}，但响应体未在 ${v.within} 内收完`,
  },
  tls: {
    en: (v) => `TLS verification failed (${v.code}); set insecure: true only if you trust this host`,
    "zh-CN": (v) => `TLS 验证失败（${v.code}）；仅在信任此主机时设置 insecure: true`,
  },
  /** A failure the HTTP client words itself (its own timeout), shown as it says. */
  text: { en: (v) => `${v.text}`, "zh-CN": (v) => `${v.text}` },
  answered: {
    en: (v) => `${v.url} answered ${v.code} in ${v.ms}ms`,
    "zh-CN": (v) => `${v.url} 返回 ${v.code}，耗时 ${v.ms} 毫秒`,
  },
  expectedStatus: { en: (v) => `: expected status ${v.want}`, "zh-CN": (v) => `：期望状态码 ${v.want}` },
  noText: { en: (v) => `: body does not contain ${v.text}`, "zh-CN": (v) => `：响应体不包含 ${v.text}` },
  contentType: {
    en: (v) => `: content type is ${v.got}, expected ${v.want}`,
    "zh-CN": (v) => `：内容类型为 ${v.got}，期望 ${v.want}`,
  },
  tooSmall: {
    en: (v) => `: body is ${v.bytes} bytes, expected at least ${v.min}`,
    "zh-CN": (v) => `：响应体只有 ${v.bytes} 字节，至少应有 ${v.min} 字节`,
  },
  notJson: { en: () => ": body is not JSON", "zh-CN": () => "：响应体不是 JSON" },
  jsonMismatch: { en: (v) => `: JSON does not match ${v.want}`, "zh-CN": (v) => `：JSON 与期望不符：${v.want}` },
  jsonMissing: { en: (v) => `: JSON has no ${v.path}`, "zh-CN": (v) => `：JSON 中没有 ${v.path}` },
  jsonValue: {
    en: (v) => `: JSON ${v.path} is ${v.got}, expected ${v.want}`,
    "zh-CN": (v) => `：JSON ${v.path} 为 ${v.got}，期望 ${v.want}`,
  },
  certExpired: {
    en: (v) => `: TLS certificate has expired (${v.date})`,
    "zh-CN": (v) => `：TLS 证书已过期（${v.date}）`,
  },
  certExpires: {
    en: (v) => `: TLS certificate expires in ${v.left} (${v.date})`,
    "zh-CN": (v) => `：TLS 证书将在 ${v.left} 后过期（${v.date}）`,
  },
  audioShort: {
    en: (v) => `: ${v.seconds} s of audio, expected at least ${v.min} s`,
    "zh-CN": (v) => `：音频只有 ${v.seconds} 秒，至少应有 ${v.min} 秒`,
  },
  audioSilence: {
    en: (v) => `: ${v.seconds} s of silence (RMS ${v.dbfs} dBFS, under ${v.limit})`,
    "zh-CN": (v) => `：${v.seconds} 秒的静音（RMS ${v.dbfs} dBFS，低于 ${v.limit}）`,
  },
  audioUndecodable: {
    en: (v) => `: the answer is not ${v.format} audio: ${v.detail}`,
    "zh-CN": (v) => `：响应不是 ${v.format} 音频：${v.detail}`,
  },
  audio: {
    en: (v) => `, ${v.seconds} s of audio (RMS ${v.dbfs} dBFS)`,
    "zh-CN": (v) => `，${v.seconds} 秒音频（RMS ${v.dbfs} dBFS）`,
  },
  slow: { en: (v) => `: slower than ${v.ms}ms`, "zh-CN": (v) => `：慢于 ${v.ms} 毫秒` },
  ...socketWords,
} satisfies Words;
