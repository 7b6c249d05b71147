import { z } from "zod";
import { duration, httpUrl, stringList } from "../../../core/fields.js";

/**
 * alertmanagerConfigSchema is a `type: alertmanager` channel: alerts POSTed to Alertmanager's API v2.
 * See docs/vendors.md §6 and prometheus/alertmanager api/v2/openapi.yaml (postAlerts).
 */
export const alertmanagerConfigSchema = z.strictObject({
  type: z.literal("alertmanager"),
  /** One URL, or every member of an HA cluster: each gets every alert; one accepting is enough. */
  urls: stringList.pipe(z.array(httpUrl).min(1)),
  /** How often an open incident is re-sent so Alertmanager does not resolve it on its own; 0 = every run. */
  resend_every: duration.default(0),
  /** How long Alertmanager keeps a firing alert without a re-send (endsAt); default max(10m, 3 × resend_every). */
  ttl: duration.optional(),
  generator_url: z.string().url().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  insecure: z.boolean().default(false),
});
export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;
