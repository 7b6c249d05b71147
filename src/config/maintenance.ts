import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { duration } from "../core/fields.js";

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** cronOf is a window's schedule as a cron expression: `{days, at}` is the same thing written for people. */
export function cronOf(schedule: string | { days: readonly string[]; at: string }): string {
  if (typeof schedule === "string") return schedule;
  const [h, m] = schedule.at.split(":").map(Number);
  return `${m} ${h} * * ${schedule.days.map((d) => DAYS.indexOf(d as (typeof DAYS)[number])).join(",")}`;
}

/** cronError is why cron-parser refuses the expression in that timezone, or undefined when it takes it. */
export function cronError(cron: string, timezone: string): string | undefined {
  try {
    CronExpressionParser.parse(cron, { tz: timezone, strict: false }).next();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** maintenanceSchema is one recurring window: alerts and restarts of the matching checks are held while it lasts. */
export const maintenanceSchema = z
  .strictObject({
    name: z.string().min(1).describe("The window's name in `status`, alerts and `simulate`."),
    checks: z
      .array(z.string().min(1))
      .min(1)
      .describe("Globs of the check names it holds (the syntax of `watchdog silence`: * ? [abc])."),
    schedule: z
      .union([
        z.string().min(1),
        z.strictObject({
          days: z.array(z.enum(DAYS)).min(1).describe("The days it opens on."),
          at: z
            .string()
            .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "write HH:MM, e.g. 03:00")
            .describe("The time of day it opens, HH:MM."),
        }),
      ])
      .describe('When it opens: a cron expression ("0 3 * * 0") or {days, at}.'),
    timezone: z
      .string()
      .refine(validZone, "unknown timezone: write an IANA name, e.g. Asia/Shanghai or UTC")
      .describe("The IANA timezone the schedule is read in (daylight saving included), e.g. Asia/Shanghai."),
    duration: duration.describe("How long it stays open; a check still failing then alerts at the next run."),
  })
  .superRefine((w, ctx) => {
    if (w.duration <= 0) ctx.addIssue({ code: "custom", path: ["duration"], message: "must be more than 0" });
    if (!validZone(w.timezone)) return;
    const err = cronError(cronOf(w.schedule), w.timezone);
    if (err) ctx.addIssue({ code: "custom", path: ["schedule"], message: `invalid cron expression: ${err}` });
  });

export type MaintenanceWindow = z.infer<typeof maintenanceSchema>;
