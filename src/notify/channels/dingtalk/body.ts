import type { Message } from "../../../engine/types.js";
import { fitJson } from "../../http.js";
import { renderText } from "../../render.js";
import type { Locale } from "../../types.js";
import type { DingTalkConfig } from "./schema.js";

/** DINGTALK_MAX_BYTES keeps a body under the robot's 20000-byte limit (errcode 460101). */
export const DINGTALK_MAX_BYTES = 19_500;

/**
 * buildDingTalkBody is the pure part: the robot's JSON, with @mentions in the text so they render, under 20000 bytes.
 */
export function buildDingTalkBody(message: Message, cfg: DingTalkConfig, locale: Locale) {
  const r = renderText(message, locale);
  const title = cfg.keyword ? `${cfg.keyword} ${r.subject}` : r.subject;
  const mentions = [...cfg.at_mobiles, ...cfg.at_user_ids].map((m) => `@${m}`);
  if (cfg.at_all) mentions.push("@all");
  const at = { atMobiles: cfg.at_mobiles, atUserIds: cfg.at_user_ids, isAtAll: cfg.at_all };
  const tail = mentions.length ? `\n\n${mentions.join(" ")}` : "";
  const keywordLine = cfg.keyword && cfg.msgtype === "text" ? `${cfg.keyword}\n` : "";
  if (cfg.msgtype === "text") {
    return fitJson(`${keywordLine}${r.subject}\n\n${r.text}`, DINGTALK_MAX_BYTES - Buffer.byteLength(tail), (t) => ({
      msgtype: "text" as const,
      text: { content: t + tail },
      at,
    }));
  }
  return fitJson(r.markdown, DINGTALK_MAX_BYTES - Buffer.byteLength(tail), (t) => ({
    msgtype: "markdown" as const,
    markdown: { title, text: t + tail },
    at,
  }));
}
