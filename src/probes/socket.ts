import type { PartOf, Words } from "./types.js";

/** socketPart names why a connection failed, as one phrase of tcp's, http's and openai's summaries. */
export function socketPart(err: NodeJS.ErrnoException): PartOf<typeof socketWords> {
  switch (err.code) {
    case "ECONNREFUSED":
      return { key: "refused" };
    case "ECONNRESET":
      return { key: "reset" };
    case "EHOSTUNREACH":
      return { key: "unreachable" };
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return { key: "unresolved", values: { code: err.code } };
    case "ETIMEDOUT":
      return { key: "timedOut" };
    default:
      return { key: "failed", values: { why: err.code ?? err.message } };
  }
}

/** socketWords are socketPart's phrases; Node's codes (ENOTFOUND...) stay as written. */
export const socketWords = {
  refused: { en: () => "refused the connection (nothing listening?)", "zh-CN": () => "拒绝连接（没有进程在监听？）" },
  reset: { en: () => "reset the connection", "zh-CN": () => "重置了连接" },
  unreachable: { en: () => "is unreachable (EHOSTUNREACH)", "zh-CN": () => "不可达（EHOSTUNREACH）" },
  unresolved: { en: (v) => `could not be resolved (${v.code})`, "zh-CN": (v) => `无法解析（${v.code}）` },
  timedOut: { en: () => "timed out (ETIMEDOUT)", "zh-CN": () => "连接超时（ETIMEDOUT）" },
  failed: { en: (v) => `failed: ${v.why}`, "zh-CN": (v) => `失败：${v.why}` },
} satisfies Words;
