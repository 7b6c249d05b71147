import { z } from "zod";
import { maintenanceSchema } from "./maintenance.js";
import { duration, httpUrl, percent, size, textRegex } from "../core/fields.js";
import { LOCALES } from "../core/status.js";
import { channelCommon, channelTypes, redactSchema, type ChannelConfig } from "../notify/registry.js";
import { probes, type ProbeConfigs, type ProbeType } from "../probes/registry.js";

import { restartSchema, stepSchema, type RestartConfig, type Step } from "./ladder-schema.js";

export type { ChannelConfig };
export { restartSchema, stepSchema, type RestartConfig, type Step } from "./ladder-schema.js";

/** Fields every check has, whatever its type. */
const checkCommon = {
  // Any script's letters (tts进程); refused are only what breaks an output: whitespace, control characters, glob and
  // quoting characters (silence globs, tables, shell-pasted names) and the separators of lists.
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^\p{C}\p{Z}\s*?[\]"'`\\<>,|]+$/u, "no whitespace, control characters or * ? [ ] \" ' ` \\ < > , |")
    .describe("The check's name in alerts, `status`, silences and `depends_on`; unique, any script's letters."),
  escalation: z
    .array(stepSchema)
    .min(1)
    .optional()
    .describe("This check's own ladder instead of the top-level `escalation` (same form)."),
  repeat_every: duration.optional().describe("This check's reminder interval instead of the top-level `repeat_every`."),
  recover_after: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("This check's count of ok runs to recover instead of the top-level `recover_after`."),
  restart: restartSchema
    .optional()
    .describe("The hook a ladder step with `restart: true` runs, then re-probes to tell whether it helped."),
  depends_on: z
    .array(z.string())
    .default([])
    .describe(
      "Checks this one needs: while one fails, this check's alerts and restarts are held, and its alert names it.",
    ),
  interval: duration
    .optional()
    .describe("`watchdog daemon` only: probe this check this often instead of the top-level `interval`."),
  labels: z
    .record(z.string(), z.string())
    .default({})
    .describe("Labels added to this check's Alertmanager alerts, to route on there."),
  runbook: z.string().optional().describe("Text or a link shown in every alert of this check: what to do first."),
  start_grace: duration
    .default(5 * 60_000)
    .describe(
      "After its process restarts, hold this check's alerts while it loads: as long as it took last time, at most " +
        "this (default 5m; 0s: off).",
    ),
};

/** nonEmpty gives a registry's list as the tuple a discriminated union takes: one type at least, checked. */
function nonEmpty<T>(list: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = list;
  if (first === undefined) throw new Error("a registry lists no type");
  return [first, ...rest];
}

const checkSchemas = () => Object.values(probes).map((p) => p.schema.extend(checkCommon));
const channelSchemas = () => Object.values(channelTypes).map((c) => c.schema.extend(channelCommon));

/** checkSchema is one entry of `checks:`, picked by its `type`. */
export const checkSchema = z.discriminatedUnion("type", nonEmpty(checkSchemas()));
/** channelSchema is one entry of `channels:`, picked by its `type`. */
export const channelSchema = z.discriminatedUnion("type", nonEmpty(channelSchemas()));

/** DEFAULT_LADDER is email at the first failure, SMS and DingTalk with a restart at the third. */
export const DEFAULT_LADDER: Step[] = [
  { after: 1, notify: ["email"], restart: false },
  { after: 3, notify: ["sms", "dingtalk"], restart: true },
];

/** A text in each locale; zh-CN falls back to en. */
const localized = (what: string) =>
  z.strictObject({
    en: z.string().min(1).describe(`The ${what} in English.`),
    "zh-CN": z.string().min(1).optional().describe(`The ${what} in Chinese; without it the English one is used.`),
  });

/** causeSchema is one cause of the config's own, added to the log probe's built-in catalog. */
export const causeSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, "use lower-case letters, digits and _ (starting with a letter)")
    .describe("The cause's name in alerts and in `priority` (lower-case letters, digits and _; not a built-in id)."),
  patterns: z
    .array(textRegex)
    .min(1)
    .optional()
    .describe("Regexes tried on each new log line: case-sensitive, RE2 syntax (no lookahead or backreference)."),
  regex: textRegex.optional().describe("One regex, instead of `patterns`."),
  explanation: localized("explanation").describe("What the matching line means, shown as the probable cause."),
  action: localized("action").describe("What to do about it, shown beside the cause."),
  priority: z
    .union([
      z.enum(["first", "last"]),
      z.strictObject({ before: z.string().min(1).describe("Rank just above this cause id.") }),
      z.strictObject({ after: z.string().min(1).describe("Rank just below this cause id.") }),
    ])
    .optional()
    .describe(
      "Which cause wins when several match one read: first, last, or before/after a cause id (default: just above " +
        "the wrappers such as job_failed).",
    ),
});

/** configSchema is the whole YAML file. */
export const configSchema = z.strictObject({
  host: z.string().min(1).optional().describe("The host's name in every alert; default this machine's hostname."),
  locale: z.enum(LOCALES).default("en").describe("The language of alerts and probe summaries."),
  state_file: z
    .string()
    .min(1)
    .default("/var/lib/watchdog/state.json")
    .describe("Failure streaks, incidents and the outbox, kept between runs (JSON, mode 0600, written atomically)."),
  log_file: z
    .string()
    .min(1)
    .optional()
    .describe("watchdog's own JSON-lines log; default watchdog.log beside the state file."),
  run_timeout: duration
    .default(100_000)
    .describe(
      "The whole run's budget (default 100s): probes, restarts and sends end before it; keep cron's interval above it.",
    ),
  channels: z
    .record(z.string().regex(/^[\w.-]+$/, "use letters, digits and . _ - only"), channelSchema)
    .default({})
    .describe("Where alerts go: a map of your names to channel settings, each with its `type`."),
  escalation: z
    .array(stepSchema)
    .min(1)
    .default(DEFAULT_LADDER)
    .describe(
      "The ladder: who is told (and whether to restart) as the failure streak grows; a check may have its own.",
    ),
  repeat_every: duration
    .default(30 * 60_000)
    .describe("While an incident lasts, remind the highest step's channels this often (default 30m; 0: never)."),
  recover_after: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe("Ok runs in a row that close an incident and send the recovery notice (1: the first passing run)."),
  outbox: z
    .strictObject({
      max_age: duration
        .default(24 * 3_600_000)
        .describe(
          "How long an undelivered message is retried on later runs before it is dropped and recorded (default 24h).",
        ),
    })
    .default({ max_age: 24 * 3_600_000 })
    .describe("Messages not yet delivered, kept in the state file and retried with backoff."),
  redact: redactSchema
    .default([])
    .describe(
      "Remove absolute paths and/or IP addresses from log excerpts and hook output in every channel's messages.",
    ),
  checks: z
    .array(checkSchema)
    .default([])
    .describe("What to watch: each check has a `name` and a `type` (the sections below)."),
  causes: z
    .array(causeSchema)
    .default([])
    .describe("Causes of your own added to the log check's catalog, each with its patterns, explanation and action."),
  disable_causes: z.array(z.string().min(1)).default([]).describe("Ids of built-in causes to turn off."),
  kernel_log: z
    .string()
    .min(1)
    .default("auto")
    .describe(
      "Where a failing service's OOM kill or GPU Xid is read: auto (/dev/kmsg, else `journalctl -k`), kmsg, " +
        "journal, off, or a file in /dev/kmsg's format.",
    ),
  metrics: z
    .strictObject({
      textfile: z
        .string()
        .min(1)
        .optional()
        .describe("A .prom file written atomically each run, for node_exporter's textfile collector."),
      listen: z
        .string()
        .regex(/^[^:]*:\d+$/, "write host:port, e.g. 127.0.0.1:9184")
        .optional()
        .describe("`watchdog daemon` only: serve /metrics (Prometheus text) and /healthz on this host:port."),
    })
    .optional()
    .describe("Prometheus metrics of each check (status, streak, what its probe measured) and of the runs and sends."),
  status_page: z
    .strictObject({
      path: z.string().min(1).describe("Where the HTML file is written (serve it with any web server, or open it)."),
      title: z.string().min(1).max(200).default("watchdog").describe("The page's heading."),
      refresh: duration.default(60_000).describe("How often a browser showing the page reloads it (default 1m)."),
    })
    .optional()
    .describe("A self-contained HTML status page written after each run; the daemon also serves it at `/`."),
  history_file: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The event log read by `watchdog history` (JSON lines, 0600); default history.jsonl beside the state file.",
    ),
  history_max_size: size
    .default(10_000_000)
    .describe("Past this size (default 10MB) the history rotates to .1 and .2, so it stays under about 3 times this."),
  expected_interval: duration
    .default(120_000)
    .describe(
      "How often cron or the timer runs `check` (default 2m): a gap over 3 times this is said in the next alert.",
    ),
  interval: duration.default(30_000).describe("`watchdog daemon` only: the time between runs (default 30s)."),
  heartbeat: z
    .strictObject({
      url: httpUrl.describe("The URL to GET, e.g. a healthchecks.io ping URL."),
      timeout: duration.default(10_000).describe("How long the ping may take (default 10s)."),
    })
    .optional()
    .describe("Dead man's switch: GET a URL after each completed run; a failed ping is logged, never fatal."),
  flap: z
    .strictObject({
      enabled: z.boolean().default(true).describe("false: never treat a check as flapping."),
      high: percent.default(50).describe('Above this % one "flapping" notice goes out and the check goes quiet.'),
      low: percent.default(25).describe('Below this % a flapping check is "stable again" and its ladder resumes.'),
    })
    .default({ enabled: true, high: 50, low: 25 })
    .describe("Flap detection: the share of state changes among a check's last 21 results, as Nagios counts it."),
  maintenance: z
    .array(maintenanceSchema)
    .default([])
    .describe("Recurring windows in which the alerts and restarts of the checks they name are held."),
});

/** RawConfig is the validated YAML before cross-field resolution. */
export type RawConfig = z.infer<typeof configSchema>;
/**
 * CheckConfig is one validated check, with its ladder resolved: the fields every check has, and its probe type's own
 * (read by its probe, typed by that schema: probes/run.ts). They stay a Record here: preflight reads them by type
 * name, and test fixtures build checks without them; a union of the registry's types is the next step.
 */
export type CheckConfig = {
  name: string;
  escalation: Step[];
  repeat_every: number;
  recover_after: number;
  restart: RestartConfig | undefined;
  depends_on: string[];
  labels: Record<string, string>;
  runbook: string | undefined;
  interval?: number;
  start_grace?: number;
} & ProbeFields;

/**
 * ProbeFields is a check's type and its probe's own fields, one member per registered probe type. Only the probe
 * reads them (typed by its schema, probes/run.ts); here they are optional, so the rest of the code cannot lean on
 * them, and a check built by hand (tests, simulate) need not carry them.
 */
export type ProbeFields = { [K in ProbeType]: { type: K } & Partial<Omit<ProbeConfigs[K], "type">> }[ProbeType];

/** Config is the configuration every command works with: validated, resolved, with defaults. */
export type Config = Omit<RawConfig, "checks" | "channels"> & {
  host: string;
  checks: CheckConfig[];
  channels: Record<string, ChannelConfig>;
  /** Where it came from: a path, or "<embedded default>". */
  source: string;
};

/** logFileOf is the log file: `log_file`, or watchdog.log beside the state file. */
export function logFileOf(config: Pick<Config, "log_file" | "state_file">): string {
  return config.log_file || besideState(config, "watchdog.log");
}

/** historyFileOf is the history file: `history_file`, or history.jsonl beside the state file. */
export function historyFileOf(config: Pick<Config, "history_file" | "state_file">): string {
  return config.history_file || besideState(config, "history.jsonl");
}

function besideState(config: Pick<Config, "state_file">, name: string): string {
  const dir = config.state_file.includes("/")
    ? config.state_file.slice(0, config.state_file.lastIndexOf("/")) || "/"
    : ".";
  return `${dir}/${name}`;
}
