import { z } from "zod";
import { httpUrl } from "../../../core/fields.js";

/** feishuConfigSchema is a `type: feishu` channel: a custom bot webhook, optionally signed. */
export const feishuConfigSchema = z.strictObject({
  type: z.literal("feishu"),
  webhook: httpUrl.describe(
    "The bot's URL, `https://open.feishu.cn/open-apis/bot/v2/hook/<token>` (open.larksuite.com for Lark); a secret.",
  ),
  secret: z
    .string()
    .min(1)
    .optional()
    .describe("The bot's signing secret, when 签名校验 is on: write ${VAR}, or secret_file with a file's path."),
  at_user_ids: z.array(z.string()).default([]).describe('Open ids (ou_...) to @mention; "all" mentions everyone.'),
  at_all: z.boolean().default(false).describe("@mention everyone in the group."),
});
export type FeishuConfig = z.infer<typeof feishuConfigSchema>;
