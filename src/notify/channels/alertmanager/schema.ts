import { z } from "zod";
import { duration, httpUrl, stringList } from "../../../core/fields.js";

/**
 * alertmanagerConfigSchema is a `type: alertmanager` channel: alerts POSTed to Alertmanager's API v2.
 * See docs/vendors.md §6 and prometheus/alertmanager api/v2/openapi.yaml (postAlerts).
 */
export const alertmanagerConfigSchema = z.strictObject({
  type: z.literal("alertmanager"),
  urls: stringList
    .pipe(z.array(httpUrl).min(1))
    .describe("Alertmanager's URL, or every member of an HA cluster: each gets every alert; one accepting is enough."),
  resend_every: duration
    .default(0)
    .describe("How often an open incident is re-sent so Alertmanager does not resolve it (default 0s: every run)."),
  ttl: duration
    .optional()
    .describe(
      "How long Alertmanager keeps a firing alert not re-sent (its endsAt); default max(10m, 3 × resend_every).",
    ),
  generator_url: z
    .string()
    .url()
    .optional()
    .describe("The link each alert carries back to its source, e.g. a dashboard."),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe('HTTP headers added to each POST, e.g. Authorization: "Bearer ${AM_TOKEN}".'),
  insecure: z
    .boolean()
    .default(false)
    .describe("true: skip TLS certificate verification (a self-signed Alertmanager)."),
});
export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;
