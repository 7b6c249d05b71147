import { z } from "zod";
import { httpUrl } from "../../../core/fields.js";

/** webhookConfigSchema is a `type: webhook` channel: a JSON POST to any URL. */
export const webhookConfigSchema = z.strictObject({
  type: z.literal("webhook"),
  url: httpUrl.describe("Where the JSON is POSTed; 2xx is success, 429 and 5xx are retried, other 4xx are not."),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe('HTTP headers added to each POST, e.g. Authorization: "Bearer ${HOOK_TOKEN}".'),
  template: z
    .string()
    .min(2)
    .optional()
    .describe(
      "A JSON body whose {{id}}, {{host}}, {{subject}}, {{text}}, {{markdown}}, {{status}}, {{severity}}, {{checks}} " +
        "are filled in, JSON-escaped; without it the whole message is sent.",
    ),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
