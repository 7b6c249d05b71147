import { z } from "zod";
import type { Message } from "../../engine/types.js";
import { httpUrl } from "../../core/fields.js";
import { describeEndpoint, postJson, truncateUtf8, vendorOutcome, type VendorCode } from "../http.js";
import { renderText } from "../render.js";
import type { Channel, ChannelContext, Locale } from "../types.js";

// WeCom (企业微信) group robot: https://developer.work.weixin.qq.com/document/path/91770
// Error codes: https://open.work.weixin.qq.com/devtool/query . Wire contract: docs/vendors.md §2.

/** wecomConfigSchema is a `type: wecom` channel: a group robot webhook (the `key` in the URL is the credential). */
export const wecomConfigSchema = z.strictObject({
  type: z.literal("wecom"),
  /** https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=... */
  webhook: httpUrl,
  at_mobiles: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  at_user_ids: z.array(z.string()).default([]),
  at_all: z.boolean().default(false),
  /** markdown (4096 bytes, `<@userid>` mentions) or text (2048 bytes, mentions by phone and @all). Default: text when
   * `at_mobiles` or `at_all` is set (markdown cannot mention by phone), else markdown. */
  msgtype: z.enum(["markdown", "text"]).optional(),
});
export type WeComConfig = z.infer<typeof wecomConfigSchema>;

/** WECOM_MARKDOWN_MAX and WECOM_TEXT_MAX are the robot's limits in UTF-8 bytes (errcode 40058 past them). */
export const WECOM_MARKDOWN_MAX = 4096;
export const WECOM_TEXT_MAX = 2048;

const CODES: Record<number, VendorCode> = {
  45009: { reason: "rate_limited", retryable: true, hint: "more than 20 messages a minute to this robot" },
  93000: { reason: "auth", retryable: false, hint: "check the `key` in `webhook` (the robot may have been removed)" },
  40058: { reason: "client", retryable: false, hint: "a field is invalid or too long" },
  45002: { reason: "client", retryable: false, hint: "message too long" },
  40008: { reason: "client", retryable: false, hint: "invalid msgtype" },
  44004: { reason: "client", retryable: false, hint: "empty message" },
  [-1]: { reason: "server", retryable: true, hint: "WeCom is busy; retried later" },
};

/** createWeComChannel posts markdown or text to a WeCom robot and reads its errcode. */
export function createWeComChannel(cfg: WeComConfig, ctx: ChannelContext): Channel {
  const where = describeEndpoint(cfg.webhook);
  return {
    name: ctx.name,
    type: "wecom",
    async send(message, signal) {
      const res = await postJson(cfg.webhook, buildWeComBody(message, cfg, ctx.locale), signal);
      if (!res.ok) return res.outcome;
      return vendorOutcome(
        res.answer,
        "WeCom",
        where,
        (j) => ({ code: typeof j.errcode === "number" ? j.errcode : undefined, msg: String(j.errmsg ?? "") }),
        CODES,
      );
    },
  };
}

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
