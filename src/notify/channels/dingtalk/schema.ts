import { z } from "zod";
import { httpUrl } from "../../../core/fields.js";

/** dingtalkConfigSchema is a `type: dingtalk` channel: a group robot webhook, optionally signed (加签). */
export const dingtalkConfigSchema = z.strictObject({
  type: z.literal("dingtalk"),
  /** https://oapi.dingtalk.com/robot/send?access_token=... */
  webhook: httpUrl,
  /** The robot's SEC... signing secret, when 加签 is enabled. */
  secret: z.string().min(1).optional(),
  /** Prepended to the title, for robots secured by a custom keyword. */
  keyword: z.string().min(1).optional(),
  at_mobiles: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  at_user_ids: z.array(z.string()).default([]),
  at_all: z.boolean().default(false),
  msgtype: z.enum(["markdown", "text"]).default("markdown"),
});
export type DingTalkConfig = z.infer<typeof dingtalkConfigSchema>;
