import { socketWords } from "../socket.js";
import type { Words } from "../types.js";

/** words are the metrics probe's phrases; URLs, rule names, metric names and values stay as written. */
export const words = {
  request: { en: (v) => `GET ${v.url} `, "zh-CN": (v) => `GET ${v.url} ` },
  deadline: { en: () => "probe deadline reached", "zh-CN": () => "已到探测时限" },
  incomplete: {
    en: (v) => `gave no complete answer within ${v.within}`,
    "zh-CN": (v) => `未在 ${v.within} 内给出完整回答`,
  },
  answered: {
    en: (v) => `answered ${v.code}: ${v.answer}`,
    "zh-CN": (v) => `返回 ${v.code}：${v.answer}`,
  },
  tooLarge: {
    en: (v) => `answered more than ${v.max} of metrics (the most watchdog reads)`,
    "zh-CN": (v) => `返回的指标超过 ${v.max}（watchdog 最多读取这么多）`,
  },
  notText: {
    en: (v) => `answered, but not in the Prometheus text format: ${v.why}`,
    "zh-CN": (v) => `有回答，但不是 Prometheus 文本格式：${v.why}`,
  },
  noSamples: { en: () => "answered with no samples", "zh-CN": () => "返回中没有任何样本" },
  text: { en: (v) => `${v.text}`, "zh-CN": (v) => `${v.text}` },
  /** The scraped URL before the rules' phrases. */
  scraped: { en: (v) => `${v.url}: `, "zh-CN": (v) => `${v.url}：` },
  fired: { en: (v) => `${v.rule}: ${v.values}`, "zh-CN": (v) => `${v.rule}：${v.values}` },
  firedFor: {
    en: (v) => `${v.rule} for ${v.runs} runs (${v.span}): ${v.values}`,
    "zh-CN": (v) => `${v.rule}，已连续 ${v.runs} 次（${v.span}）：${v.values}`,
  },
  pending: {
    en: (v) => `${v.rule} holds (${v.runs} of ${v.for} runs): ${v.values}`,
    "zh-CN": (v) => `${v.rule} 成立（${v.runs}/${v.for} 次）：${v.values}`,
  },
  missing: {
    en: (v) => `${v.rule}: not exported: ${v.metric}`,
    "zh-CN": (v) => `${v.rule}：未导出指标 ${v.metric}`,
  },
  noMatch: {
    en: (v) => `${v.rule}: no series match ${v.metric}`,
    "zh-CN": (v) => `${v.rule}：没有序列匹配 ${v.metric}`,
  },
  first: {
    en: (v) => `${v.rule}: ${v.expr} not yet known (first scrape)`,
    "zh-CN": (v) => `${v.rule}：${v.expr} 尚未可知（首次抓取）`,
  },
  rulesOk: {
    en: (v) => `${v.series} series, no rule holds (${v.rules})`,
    "zh-CN": (v) => `${v.series} 个序列，没有规则成立（${v.rules}）`,
  },
  sep: { en: () => "; ", "zh-CN": () => "；" },
  ...socketWords,
} satisfies Words;
