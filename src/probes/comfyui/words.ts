import { socketWords } from "../socket.js";
import type { Values, Words } from "../types.js";

/** PLACES are where a test workflow waits, in Chinese; the English ones are the values the probe gives. */
const PLACES: Record<string, string> = {
  "waiting in the queue": "在队列中等待",
  running: "运行中",
  gone: "已不在队列",
};
const placeZh = (v: Values) => PLACES[String(v.place)] ?? String(v.place);

/** words are the comfyui probe's phrases; URLs, prompt ids and what the server said stay as written. */
export const words = {
  request: { en: (v) => `${v.where}: ${v.what} `, "zh-CN": (v) => `${v.where}：${v.what} ` },
  answered: { en: (v) => `answered ${v.code}`, "zh-CN": (v) => `返回 ${v.code}` },
  notJson: { en: () => "did not return the JSON of a queue", "zh-CN": () => "返回的不是队列的 JSON" },
  deadline: { en: () => "reached the probe's deadline", "zh-CN": () => "已到探测时限" },
  text: { en: (v) => `${v.text}`, "zh-CN": (v) => `${v.text}` },
  idle: { en: (v) => `${v.where}: queue empty`, "zh-CN": (v) => `${v.where}：队列为空` },
  queue: {
    en: (v) => `${v.where}: ${v.running} running, ${v.pending} waiting`,
    "zh-CN": (v) => `${v.where}：${v.running} 个运行中，${v.pending} 个等待`,
  },
  stuck: {
    en: (v) => `${v.where}: prompt ${v.id} running for ${v.for}, ${v.pending} waiting (queue not draining)`,
    "zh-CN": (v) => `${v.where}：任务 ${v.id} 已运行 ${v.for}，${v.pending} 个在等待（队列不动）`,
  },
  idleStuck: {
    en: (v) =>
      `${v.where}: nothing running, ${v.pending} waiting, the next (${v.id}) for ${v.for} (queue not draining)`,
    "zh-CN": (v) => `${v.where}：没有任务在运行，${v.pending} 个在等待，下一个（${v.id}）已等 ${v.for}（队列不动）`,
  },
  tooMany: { en: (v) => `, more than ${v.max}`, "zh-CN": (v) => `，超过 ${v.max}` },

  semicolon: { en: () => "; ", "zh-CN": () => "；" },
  output: {
    en: (v) => `test workflow ${v.id} gave an output in ${v.took}`,
    "zh-CN": (v) => `测试工作流 ${v.id} 在 ${v.took} 内产出结果`,
  },
  waiting: {
    en: (v) => `test workflow ${v.id} ${v.place} for ${v.took} (deadline ${v.deadline})`,
    "zh-CN": (v) => `测试工作流 ${v.id} ${placeZh(v)} 已 ${v.took}（时限 ${v.deadline}）`,
  },
  late: {
    en: (v) => `test workflow ${v.id} gave no output within ${v.deadline} (${v.place} for ${v.took})`,
    "zh-CN": (v) => `测试工作流 ${v.id} 在 ${v.deadline} 内没有产出（${placeZh(v)} 已 ${v.took}）`,
  },
  failedRun: {
    en: (v) => `test workflow ${v.id} failed: ${v.why}`,
    "zh-CN": (v) => `测试工作流 ${v.id} 执行失败：${v.why}`,
  },
  noOutput: {
    en: (v) => `test workflow ${v.id} finished without an output`,
    "zh-CN": (v) => `测试工作流 ${v.id} 已结束但没有产出`,
  },
  refusedWorkflow: {
    en: (v) => `${v.what} refused the test workflow (${v.code}): ${v.why}`,
    "zh-CN": (v) => `${v.what} 拒绝了测试工作流（${v.code}）：${v.why}`,
  },
  unreadableWorkflow: {
    en: (v) => `cannot read the test workflow ${v.path}: ${v.why}`,
    "zh-CN": (v) => `无法读取测试工作流 ${v.path}：${v.why}`,
  },
  ...socketWords,
} satisfies Words;
