import { z } from "zod";
import { httpUrl } from "../../../core/fields.js";

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
