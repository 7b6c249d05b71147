import { z } from "zod";
import { httpUrl, mobiles } from "../../../core/fields.js";

/** dingtalkConfigSchema is a `type: dingtalk` channel: a group robot webhook, optionally signed (加签). */
export const dingtalkConfigSchema = z.strictObject({
  type: z.literal("dingtalk"),
  webhook: httpUrl.describe(
    "The robot's URL, https://oapi.dingtalk.com/robot/send?access_token=... (the token is a secret).",
  ),
  secret: z
    .string()
    .min(1)
    .optional()
    .describe("The robot's SEC... signing secret, when 加签 is on: write ${VAR}, or secret_file with a file's path."),
  keyword: z
    .string()
    .min(1)
    .optional()
    .describe("For a robot secured by a custom keyword: put in every message's title."),
  at_mobiles: mobiles.describe("Phone numbers of group members to @mention."),
  at_user_ids: z.array(z.string()).default([]).describe("DingTalk user ids to @mention."),
  at_all: z.boolean().default(false).describe("@mention everyone in the group."),
  msgtype: z
    .enum(["markdown", "text"])
    .default("markdown")
    .describe("markdown (with a title) or plain text; either is cut below DingTalk's 20000 bytes."),
});
export type DingTalkConfig = z.infer<typeof dingtalkConfigSchema>;
