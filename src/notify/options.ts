import { z } from "zod";
import { duration, severity } from "../core/fields.js";
import { isValidTimeZone, parseClock } from "./policy.js";

// Delivery options every channel accepts (channelCommon): config/schema.ts adds them to each channel type, taking them
// through notify/registry.ts, the one module of notify that config imports. The types of a whole channel config,
// which need the registry, are declared there.

const clock = z.string().refine((s) => parseClock(s) !== undefined, "write a time of day as HH:MM, e.g. 01:00");

/** rateLimitSchema is `rate_limit: {max: 20, per: 1m}`: at most `max` sends in any `per`. */
export const rateLimitSchema = z.strictObject({
  max: z.number().int().min(1).describe("Sends allowed in each window."),
  per: duration.default(60_000).describe("The window's length (default 1m)."),
});

/** quietHoursSchema is `quiet_hours: {from: "01:00", to: "07:00", timezone: Asia/Shanghai, except: critical}`. */
export const quietHoursSchema = z.strictObject({
  from: clock.describe("When the quiet window starts, HH:MM."),
  to: clock.describe("When it ends, HH:MM; the window may cross midnight."),
  timezone: z
    .string()
    .refine(isValidTimeZone, "unknown timezone: use an IANA name such as Asia/Shanghai or UTC")
    .optional()
    .describe("The IANA timezone of from and to, e.g. Asia/Shanghai; default the system's."),
  except: z
    .enum(["critical", "warning", "none"])
    .default("critical")
    .describe("Messages of this severity or worse still go out in the window (none: hold everything)."),
});

/** redactSchema is `redact: [paths, ips]`: what to remove from log excerpts and hook output in alerts. */
export const redactSchema = z.array(z.enum(["paths", "ips"]));

/** channelCommon is the fields every channel has, whatever its type. */
export const channelCommon = {
  min_severity: severity
    .optional()
    .describe(
      "The least severity this channel hears of: critical keeps warning-level incidents off it (SMS's default).",
    ),
  fallback: z
    .array(z.string().min(1))
    .default([])
    .describe("Channels that get what this one cannot deliver, in the same run."),
  timeout: duration.default(10_000).describe("Each send attempt's limit (default 10s)."),
  rate_limit: rateLimitSchema
    .optional()
    .describe(
      "Sends allowed per window, counted across runs (DingTalk and WeCom 20/1m, Feishu 100/1m by default); " +
        "more wait in the outbox and go out merged.",
    ),
  quiet_hours: quietHoursSchema
    .optional()
    .describe("A daily window in which only `except` severity goes out; the rest comes as one digest when it ends."),
  redact: redactSchema
    .default([])
    .describe(
      "Remove absolute paths and/or IP addresses from log excerpts and hook output in this channel's messages.",
    ),
};

/** ChannelCommon is the validated common fields of a channel. */
export type ChannelCommon = z.output<z.ZodObject<typeof channelCommon>>;
