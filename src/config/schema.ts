import { z } from "zod";
import { maintenanceSchema } from "./maintenance.js";
import { duration, httpUrl, percent, size, textRegex } from "../core/fields.js";
import { LOCALES } from "../core/status.js";
import { channelCommon, channelTypes, redactSchema, type ChannelConfig } from "../notify/registry.js";
import { probes, type ProbeConfigs, type ProbeType } from "../probes/registry.js";

export type { ChannelConfig };

/** stepSchema is one rung of the escalation ladder. */
export const stepSchema = z.strictObject({
  /** Consecutive failing runs (or failures within the last `within` runs) that reach this step. */
  after: z.number().int().min(1),
  within: z.number().int().min(1).optional(),
  notify: z.array(z.string().min(1)).default([]),
  restart: z.boolean().default(false),
});
export type Step = z.infer<typeof stepSchema>;

/** restartSchema is a check's restart hook. */
export const restartSchema = z.strictObject({
  command: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  shell: z.boolean().default(false),
  timeout: duration.default(60_000),
  /** The first re-probe after the hook's exit (default 15s). */
  verify_after: duration.optional(),
  /**
   * How long after the hook's exit re-probing may go on until the check passes: 3m by default; a config that sets
   * only verify_after keeps its one re-probe (see verifyTimes).
   */
  verify_within: duration.optional(),
  /** Run before command, to stop a copy that hangs (a start-only hook cannot: the port is still held). */
  stop: z.union([z.string().min(1), z.array(z.string()).min(1)]).optional(),
  /** End the processes listening on the tcp/http check's port first: TERM, stop_grace (default 10s), KILL. */
  stop_hung: z.boolean().optional(),
  stop_grace: duration.optional(),
  /** Added to the hook's clean environment (PATH, HOME, LANG, LC_*, TZ): watchdog's own secrets are never passed. */
  env: z.record(z.string(), z.string()).optional(),
  limit: z
    .strictObject({ max: z.number().int().min(0).default(2), within: duration.default(30 * 60_000) })
    .default({ max: 2, within: 30 * 60_000 }),
});
export type RestartConfig = z.infer<typeof restartSchema>;

/** Fields every check has, whatever its type. */
const checkCommon = {
  // Any script's letters (tts进程); refused are only what breaks an output: whitespace, control characters, glob and
  // quoting characters (silence globs, tables, shell-pasted names) and the separators of lists.
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^\p{C}\p{Z}\s*?[\]"'`\\<>,|]+$/u, "no whitespace, control characters or * ? [ ] \" ' ` \\ < > , |"),
  escalation: z.array(stepSchema).min(1).optional(),
  repeat_every: duration.optional(),
  recover_after: z.number().int().min(1).optional(),
  restart: restartSchema.optional(),
  depends_on: z.array(z.string()).default([]),
  /** Daemon mode only: probe this check every `interval` instead of the global one. */
  interval: duration.optional(),
  labels: z.record(z.string(), z.string()).default({}),
  runbook: z.string().optional(),
  /** After a restart, hold alerts while the service loads: as long as it took last time, at most this (0s: off). */
  start_grace: duration.default(5 * 60_000),
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
const localized = z.strictObject({ en: z.string().min(1), "zh-CN": z.string().min(1).optional() });

/** causeSchema is one cause of the config's own, added to the log probe's built-in catalog. */
export const causeSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, "use lower-case letters, digits and _ (starting with a letter)"),
  /** Regexes (linear-time: no lookahead, no backreference), case-sensitive, tried on each new log line. */
  patterns: z.array(textRegex).min(1).optional(),
  regex: textRegex.optional(),
  explanation: localized,
  action: localized,
  /**
   * Where it ranks when several causes match one read: first, last, before/after a cause id (default: above the
   * wrappers).
   */
  priority: z
    .union([
      z.enum(["first", "last"]),
      z.strictObject({ before: z.string().min(1) }),
      z.strictObject({ after: z.string().min(1) }),
    ])
    .optional(),
});

/** configSchema is the whole YAML file. */
export const configSchema = z.strictObject({
  host: z.string().min(1).optional(),
  locale: z.enum(LOCALES).default("en"),
  state_file: z.string().min(1).default("/var/lib/watchdog/state.json"),
  log_file: z.string().min(1).optional(),
  /** The whole run's budget: probes, restarts and sends all end before it. */
  run_timeout: duration.default(100_000),
  channels: z.record(z.string().regex(/^[\w.-]+$/, "use letters, digits and . _ - only"), channelSchema).default({}),
  escalation: z.array(stepSchema).min(1).default(DEFAULT_LADDER),
  repeat_every: duration.default(30 * 60_000),
  recover_after: z.number().int().min(1).default(1),
  outbox: z.strictObject({ max_age: duration.default(24 * 3_600_000) }).default({ max_age: 24 * 3_600_000 }),
  /** Remove absolute paths and/or IP addresses from log excerpts in every channel's messages. */
  redact: redactSchema.default([]),
  checks: z.array(checkSchema).default([]),
  /** Causes of your own for the log probe's catalog, and built-in ones to turn off (README "Cause catalog"). */
  causes: z.array(causeSchema).default([]),
  disable_causes: z.array(z.string().min(1)).default([]),
  /**
   * Where a failing service's kernel evidence (OOM kills, GPU Xid errors) is read: auto (/dev/kmsg, else
   * `journalctl -k`), kmsg, journal, off, or the path of a file in /dev/kmsg's record format.
   */
  kernel_log: z.string().min(1).default("auto"),
  /** Prometheus: `textfile` is a .prom file written each run for node_exporter's textfile collector. */
  metrics: z
    .strictObject({
      textfile: z.string().min(1).optional(),
      /** Daemon mode: serve /metrics (Prometheus text) and /healthz on this host:port. */
      listen: z
        .string()
        .regex(/^[^:]*:\d+$/, "write host:port, e.g. 127.0.0.1:9184")
        .optional(),
    })
    .optional(),
  /** A self-contained HTML status page written (atomically) after each run; the daemon also serves it at `/`. */
  status_page: z
    .strictObject({
      path: z.string().min(1),
      title: z.string().min(1).max(200).default("watchdog"),
      /** How often a browser showing the page reloads it. */
      refresh: duration.default(60_000),
    })
    .optional(),
  /** JSON-lines event log; default history.jsonl beside the state file. Rotated to FILE.1 past history_max_size. */
  history_file: z.string().min(1).optional(),
  history_max_size: size.default(10_000_000),
  /** How often cron or the timer runs `check`: a run finding the previous one 3 x this ago says watchdog was down. */
  expected_interval: duration.default(120_000),
  /** Daemon mode: the time between runs. */
  interval: duration.default(30_000),
  /** Dead-man's switch: GET this URL after each completed run (healthchecks.io style); failures are only logged. */
  heartbeat: z.strictObject({ url: httpUrl, timeout: duration.default(10_000) }).optional(),
  /** Flap detection: share of state changes in the last 21 results; starts above high %, stops below low %. */
  flap: z
    .strictObject({ enabled: z.boolean().default(true), high: percent.default(50), low: percent.default(25) })
    .default({ enabled: true, high: 50, low: 25 }),
  /** Recurring maintenance windows: notices and restarts of the checks they cover are held (docs/operating.md). */
  maintenance: z.array(maintenanceSchema).default([]),
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
