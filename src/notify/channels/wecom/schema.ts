import { z } from "zod";
import { httpUrl, mobiles } from "../../../core/fields.js";

/** wecomConfigSchema is a `type: wecom` channel: a group robot webhook (the `key` in the URL is the credential). */
export const wecomConfigSchema = z.strictObject({
  type: z.literal("wecom"),
  webhook: httpUrl.describe(
    "The robot's URL, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=... (the key is a secret).",
  ),
  at_mobiles: mobiles.describe("Phone numbers of group members to @mention (the message is then text)."),
  at_user_ids: z.array(z.string()).default([]).describe("WeCom user ids to @mention (`<@userid>` in markdown)."),
  at_all: z.boolean().default(false).describe("@mention everyone in the group (the message is then text)."),
  msgtype: z
    .enum(["markdown", "text"])
    .optional()
    .describe(
      "markdown (4096 bytes) or text (2048 bytes, mentions by phone and @all); default text with `at_mobiles` or " +
        "`at_all`, else markdown.",
    ),
});
export type WeComConfig = z.infer<typeof wecomConfigSchema>;
