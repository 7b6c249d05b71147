import { z } from "zod";
import { duration, severity } from "../core/fields.js";
import { isValidTimeZone, parseClock } from "./policy.js";

// Delivery options every channel accepts (channelCommon): config/schema.ts adds them to each channel type, taking them
// through notify/registry.ts, the one module of notify that config imports. The types of a whole channel config,
// which need the registry, are declared there.

const clock = z.string().refine((s) => parseClock(s) !== undefined, "write a time of day as HH:MM, e.g. 01:00");

/** rateLimitSchema is `rate_limit: {max: 20, per: 1m}`: at most `max` sends in any `per`. */
export const rateLimitSchema = z.strictObject({ max: z.number().int().min(1), per: duration.default(60_000) });

/** quietHoursSchema is `quiet_hours: {from: "01:00", to: "07:00", timezone: Asia/Shanghai, except: critical}`. */
export const quietHoursSchema = z.strictObject({
  from: clock,
  to: clock,
  /** IANA name; default the system's timezone. */
  timezone: z
    .string()
    .refine(isValidTimeZone, "unknown timezone: use an IANA name such as Asia/Shanghai or UTC")
    .optional(),
  /** Messages of this severity still go out during quiet hours ("none": hold everything). */
  except: z.enum(["critical", "warning", "none"]).default("critical"),
});

/** redactSchema is `redact: [paths, ips]`: what to remove from log excerpts and hook output in alerts. */
export const redactSchema = z.array(z.enum(["paths", "ips"]));

/** channelCommon is the fields every channel has, whatever its type. */
export const channelCommon = {
  min_severity: severity.optional(),
  fallback: z.array(z.string().min(1)).default([]),
  timeout: duration.default(10_000),
  /** Sends allowed per window, across runs (DingTalk and WeCom default to 20/min); extra messages wait, merged. */
  rate_limit: rateLimitSchema.optional(),
  /** A daily window when only `except` severity goes out; the rest comes as one digest when it ends. */
  quiet_hours: quietHoursSchema.optional(),
  /** Remove absolute paths and/or IP addresses from log excerpts in this channel's messages. */
  redact: redactSchema.default([]),
};

/** ChannelCommon is the validated common fields of a channel. */
export type ChannelCommon = z.output<z.ZodObject<typeof channelCommon>>;
