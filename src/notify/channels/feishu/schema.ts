import { z } from "zod";
import { httpUrl } from "../../../core/fields.js";

/** feishuConfigSchema is a `type: feishu` channel: a custom bot webhook, optionally signed. */
export const feishuConfigSchema = z.strictObject({
  type: z.literal("feishu"),
  /** https://open.feishu.cn/open-apis/bot/v2/hook/<token> (or open.larksuite.com for Lark) */
  webhook: httpUrl,
  /** The bot's signing secret (签名校验), when enabled. */
  secret: z.string().min(1).optional(),
  /** Open ids (ou_...) to @mention; "all" mentions everyone. */
  at_user_ids: z.array(z.string()).default([]),
  at_all: z.boolean().default(false),
});
export type FeishuConfig = z.infer<typeof feishuConfigSchema>;
