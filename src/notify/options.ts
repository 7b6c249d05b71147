import { z } from "zod";
import { duration } from "../config/fields.js";
import { isValidTimeZone, parseClock } from "./policy.js";

// Delivery options every channel accepts; config/schema.ts adds them to each channel type (channelCommon).

const clock = z.string().refine((s) => parseClock(s) !== undefined, "write a time of day as HH:MM, e.g. 01:00");

/** rateLimitSchema is `rate_limit: {max: 20, per: 1m}`: at most `max` sends in any `per`. */
export const rateLimitSchema = z.strictObject({ max: z.number().int().min(1), per: duration.default(60_000) });

/** quietHoursSchema is `quiet_hours: {from: "01:00", to: "07:00", timezone: Asia/Shanghai, except: critical}`. */
export const quietHoursSchema = z.strictObject({
  from: clock,
  to: clock,
  /** IANA name; default the system's timezone. */
  timezone: z.string().refine(isValidTimeZone, "unknown timezone: use an IANA name such as Asia/Shanghai or UTC").optional(),
  /** Messages of this severity still go out during quiet hours ("none": hold everything). */
  except: z.enum(["critical", "warning", "none"]).default("critical"),
});

/** redactSchema is `redact: [paths, ips]`: what to remove from log excerpts and hook output in alerts. */
export const redactSchema = z.array(z.enum(["paths", "ips"]));
