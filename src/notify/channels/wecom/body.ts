import type { Message } from "../../../engine/types.js";
import { truncateUtf8 } from "../../http.js";
import { renderText } from "../../render.js";
import type { Locale } from "../../types.js";
import type { WeComConfig } from "./schema.js";

/** WECOM_MARKDOWN_MAX and WECOM_TEXT_MAX are the robot's limits in UTF-8 bytes (errcode 40058 past them). */
export const WECOM_MARKDOWN_MAX = 4096;
export const WECOM_TEXT_MAX = 2048;

/** buildWeComBody is the pure part: content cut to the byte limit on a character boundary, mentions included. */
export function buildWeComBody(message: Message, cfg: WeComConfig, locale: Locale) {
  const r = renderText(message, locale);
  const msgtype = cfg.msgtype ?? (cfg.at_mobiles.length || cfg.at_all ? "text" : "markdown");
  if (msgtype === "text") {
    const mentioned_mobile_list = [...cfg.at_mobiles, ...(cfg.at_all ? ["@all"] : [])];
    const mentioned_list = [...cfg.at_user_ids, ...(cfg.at_all && !cfg.at_mobiles.length ? ["@all"] : [])];
    const text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] } = {
      content: truncateUtf8(`${r.subject}\n\n${r.text}`, WECOM_TEXT_MAX),
    };
    if (mentioned_list.length) text.mentioned_list = mentioned_list;
    if (mentioned_mobile_list.length) text.mentioned_mobile_list = mentioned_mobile_list;
    return { msgtype: "text" as const, text };
  }
  const tail = cfg.at_user_ids.length ? `\n${cfg.at_user_ids.map((u) => `<@${u}>`).join(" ")}` : "";
  // WeCom markdown knows three colours only: info, comment, warning.
  const md = r.markdown.replace(/<font color="#888888">/g, '<font color="comment">');
  const content = truncateUtf8(md, WECOM_MARKDOWN_MAX - Buffer.byteLength(tail, "utf8")) + tail;
  return { msgtype: "markdown" as const, markdown: { content } };
}
