import { socketWords } from "../socket.js";
import type { Values, Words } from "../types.js";

/** STAGES are the steps of the probe in Chinese; the English names are the values the probe gives. */
const STAGES: Record<string, string> = {
  "GET /models": "GET /models",
  "chat completion": "对话补全",
  streaming: "流式输出",
};
const stageZh = (v: Values) => STAGES[String(v.stage)] ?? String(v.stage);

/** words are the openai probe's phrases; URLs, model names and what the server said stay as written. */
export const words = {
  modelsAnswered: {
    en: (v) => `${v.where}: GET /models answered ${v.code}: ${v.answer}`,
    "zh-CN": (v) => `${v.where}：GET /models 返回 ${v.code}：${v.answer}`,
  },
  modelsNotJson: {
    en: (v) => `${v.where}: GET /models did not return JSON`,
    "zh-CN": (v) => `${v.where}：GET /models 返回的不是 JSON`,
  },
  noModel: {
    en: (v) => `${v.where} does not serve model ${v.model} (serves: ${v.serves})`,
    "zh-CN": (v) => `${v.where} 未提供模型 ${v.model}（现有：${v.serves}）`,
  },
  noModels: {
    en: (v) => `${v.where} does not serve model ${v.model} (serves: none)`,
    "zh-CN": (v) => `${v.where} 未提供模型 ${v.model}（现有：无）`,
  },
  chatAnswered: {
    en: (v) => `${v.where}: chat completion answered ${v.code}: ${v.answer}`,
    "zh-CN": (v) => `${v.where}：对话补全返回 ${v.code}：${v.answer}`,
  },
  eventNotJson: {
    en: (v) => `${v.where}: the stream sent an event that is not JSON: ${v.event}`,
    "zh-CN": (v) => `${v.where}：流中的事件不是 JSON：${v.event}`,
  },
  streamError: {
    en: (v) => `${v.where}: the stream reported an error: ${v.answer}`,
    "zh-CN": (v) => `${v.where}：流报告了错误：${v.answer}`,
  },
  noToken: {
    en: (v) => `${v.where}: ${v.model} streamed no token in ${v.ms}ms`,
    "zh-CN": (v) => `${v.where}：${v.model} 在 ${v.ms} 毫秒内未输出任何 token`,
  },
  answered: {
    en: (v) => `${v.model} at ${v.where}: first token in ${v.ttft}ms, done in ${v.total}ms`,
    "zh-CN": (v) => `${v.model}（${v.where}）：首个 token ${v.ttft} 毫秒，完成 ${v.total} 毫秒`,
  },
  colon: { en: () => ": ", "zh-CN": () => "：" },
  comma: { en: () => ", ", "zh-CN": () => "，" },
  slowTtft: { en: (v) => `first token slower than ${v.limit}`, "zh-CN": (v) => `首个 token 慢于 ${v.limit}` },
  slowAnswer: { en: (v) => `answer slower than ${v.limit}`, "zh-CN": (v) => `回答慢于 ${v.limit}` },
  slowTokens: {
    en: (v) => `${v.rate} tokens/s over ${v.n} tokens, below the floor of ${v.min}`,
    "zh-CN": (v) => `生成速度 ${v.rate} token/秒（共 ${v.n} 个 token），低于下限 ${v.min}`,
  },
  rate: { en: (v) => `, ${v.rate} tokens/s`, "zh-CN": (v) => `，${v.rate} token/秒` },
  incomplete: {
    en: (v) => `${v.where}: no complete answer within ${v.within} (${v.stage}, after ${v.ms}ms)`,
    "zh-CN": (v) => `${v.where}：${v.within} 内未得到完整回答（${stageZh(v)}，已过 ${v.ms} 毫秒）`,
  },
  stageFailed: { en: (v) => `${v.where}: ${v.stage} failed: `, "zh-CN": (v) => `${v.where}：${stageZh(v)} 失败：` },
  /** An error the HTTP client words itself, shown as it says. */
  text: { en: (v) => `${v.text}`, "zh-CN": (v) => `${v.text}` },
  ...socketWords,
} satisfies Words;
