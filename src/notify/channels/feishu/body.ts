import { createHmac } from "node:crypto";
import type { Message } from "../../../engine/types.js";
import { fitJson } from "../../http.js";
import { renderText } from "../../render.js";
import type { Locale } from "../../types.js";
import type { FeishuConfig } from "./schema.js";

/** FEISHU_MAX_BYTES keeps a body under the bot's 20 KB limit (code 9499 past it). */
export const FEISHU_MAX_BYTES = 19_000;

/**
 * signFeishu is the reverse of DingTalk: key = timestamp(seconds) + "\n" + secret, message empty, Base64, no
 * URL-encoding (it travels in the JSON body).
 */
export function signFeishu(timestampSec: number, secret: string): string {
  return createHmac("sha256", `${timestampSec}\n${secret}`).update(Buffer.alloc(0)).digest("base64");
}

/** buildFeishuBody is the pure part: a `post` message (title + one paragraph per line), signed when a secret is set. */
export function buildFeishuBody(message: Message, cfg: FeishuConfig, locale: Locale, timestampSec: number) {
  const r = renderText(message, locale);
  const ats = [...cfg.at_user_ids, ...(cfg.at_all ? ["all"] : [])].map((user_id) => ({ tag: "at" as const, user_id }));
  const sign = cfg.secret ? { timestamp: String(timestampSec), sign: signFeishu(timestampSec, cfg.secret) } : {};
  return fitJson(r.text, FEISHU_MAX_BYTES, (text) => {
    const content: ({ tag: "text"; text: string } | { tag: "at"; user_id: string })[][] = text
      .split("\n")
      .map((line) => [{ tag: "text" as const, text: line }]);
    if (ats.length) content.push(ats);
    return {
      ...sign,
      msg_type: "post" as const,
      content: { post: { [locale === "zh-CN" ? "zh_cn" : "en_us"]: { title: r.subject, content } } },
    };
  });
}
