import { z } from "zod";
import { httpUrl } from "../../../core/fields.js";

/** webhookConfigSchema is a `type: webhook` channel: a JSON POST to any URL. */
export const webhookConfigSchema = z.strictObject({
  type: z.literal("webhook"),
  url: httpUrl,
  headers: z.record(z.string(), z.string()).default({}),
  /**
   * A JSON body with placeholders, e.g. `{"text": "{{subject}}\n{{text}}"}`. Each {{name}} becomes the value, escaped
   * for a JSON string: id, host, subject, text, markdown, status, checks, severity. Without it the full message is
   * sent.
   */
  template: z.string().min(2).optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
