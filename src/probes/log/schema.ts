import { z } from "zod";
import { duration, severity, textRegex } from "../../core/fields.js";

const patternSchema = z.union([
  textRegex,
  z.strictObject({
    regex: textRegex.describe("The regex tried on each new line (case-sensitive, RE2 syntax)."),
    severity: severity.default("critical").describe("The check's status when this pattern matches."),
    cause: z.string().min(1).optional().describe("The cause to name: a catalog id (gpu_oom) or your own words."),
  }),
]);

/** logConfigSchema is a `type: log` check: new lines in a log file that match a pattern, with a probable cause. */
export const logConfigSchema = z.strictObject({
  type: z.literal("log"),
  path: z.string().min(1).describe("The log file, or a glob (* ? [...] in any path component); rotation is followed."),
  patterns: z
    .array(patternSchema)
    .default([])
    .describe("Regexes tried on each new line (a string is critical), RE2 syntax: no lookahead or backreference."),
  causes: z
    .enum(["builtin", "none"])
    .default("builtin")
    .describe("builtin: the cause catalog (GPU OOM, Xid, segfault...) matches too and names the cause; none: off."),
  from: z
    .enum(["end", "start"])
    .default("end")
    .describe("Where the first run starts reading: end (old lines are not news) or start."),
  missing: z
    .enum(["unknown", "critical", "warning", "ok"])
    .default("unknown")
    .describe("Status while the file is missing."),
  hold: duration
    .default(0)
    .describe("Stay non-ok this long after the last match, so the ladder can climb on one line (default 0s: off)."),
  excerpt_lines: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(3)
    .describe("Matching lines quoted in the alert, deduplicated, each cut to 300 characters."),
  redact: z
    .array(z.enum(["paths", "ips"]))
    .default([])
    .describe("Remove absolute paths and/or IP addresses from the quoted lines."),
  timeout: duration
    .default(20_000)
    .describe("Reading budget for one run (default 20s); what is left is read on the next run."),
});
export type LogConfig = z.infer<typeof logConfigSchema>;
