import type { z } from "zod";
import type { Locale, Status } from "../core/status.js";
import type { Deps } from "../deps.js";
import type { KernelEvidence, Watched } from "./kernel/evidence.js";
import type { Catalog } from "./log/causes.js";

// The status vocabulary lives on the ground floor (core/status.ts); re-exported for the probes' own imports.
export { severityRank, worst, type Status } from "../core/status.js";

/** ProbeResult is what a probe found. A failing target is a result, not an exception. */
export type ProbeResult = {
  check: string;
  status: Status;
  /** One line in English, shown in tables, logs, history and alert subjects. */
  summary: string;
  /** The summary in structured form, which the renderer words in each locale; absent, the summary is shown as is. */
  said?: Said;
  detail?: string;
  /** Lines from a log, already cut to size. */
  excerpt?: string[];
  /** Probable cause id (e.g. gpu_oom) with its text, when the probe can tell. */
  cause?: string;
  /** What the kernel log said of a failing service (OOM kills, GPU Xid errors), in structured form. */
  kernel?: KernelEvidence[];
  metrics?: Record<string, number>;
  durationMs: number;
  /** The watched process: when it started (epoch ms) and a hash of its command line (probes/started.ts). */
  started?: Started;
};

/**
 * Started is when the process a check watches started, a hash of its command line to find it again by, and whether
 * it is stopped (SIGSTOP: a hang, not a warm-up).
 */
export type Started = { at: number; cmd?: string; stopped?: true };

/** Values are what one phrase of a summary names: targets, counts, limits. */
export type Values = Record<string, string | number>;

/** Part is one phrase of a summary: a key of its probe's words and the values it names. */
export type Part<K extends string = string> = { key: K; values?: Values };

/** PartOf is a phrase of the words W: its key is checked against them. */
export type PartOf<W extends Words> = Part<keyof W & string>;

/** Said is a summary in structured form: the probe type whose words phrase it, and its phrases in order. */
export type Said = { type: string; parts: Part[] };

/** Words are a probe's phrases, each in every locale; a phrase carries its own punctuation, so parts concatenate. */
export type Words = Record<string, Record<Locale, (v: Values) => string>>;

/** ProbeContext is what a probe may use besides its config. */
export interface ProbeContext {
  deps: Deps;
  signal: AbortSignal;
  /** Probe-private memory kept in the state file between runs (log offsets); the probe returns the new value. */
  memory: unknown;
  /** The log probe's cause catalog: the built-in one with the config's `causes:` merged in (BUILTIN when absent). */
  catalog?: Catalog;
}

/** ProbeOutput is a result plus the probe's memory for the next run; `said` is typed by the runner. */
export type ProbeOutput = Omit<ProbeResult, "check" | "durationMs" | "said"> & { said?: Part[]; memory?: unknown };

/**
 * sayIn words the parts of a summary in a locale; undefined when a part is not one of the words (parts come back
 * from the state file, so they are not trusted to be well formed).
 */
export function sayIn(words: Words, parts: readonly Part[], locale: Locale): string | undefined {
  let out = "";
  for (const p of parts) {
    const phrase = typeof p?.key === "string" && Object.hasOwn(words, p.key) ? words[p.key] : undefined;
    if (!phrase || (p.values !== undefined && (typeof p.values !== "object" || p.values === null))) return undefined;
    out += phrase[locale](p.values ?? {});
  }
  return out;
}

/** say gives a probe's summary in both forms: the English line and the parts the renderer words in each locale. */
export function say<W extends Words>(words: W, parts: PartOf<W>[]): { summary: string; said: Part[] } {
  return { summary: sayIn(words, parts, "en") ?? "", said: parts };
}

/**
 * HostFinding is something `validate` found missing on this host for one check (a plugin, nvidia-smi, a log
 * directory): a warning, since the config may be meant for another host. `path` is relative to the check.
 */
export type HostFinding = { path: (string | number)[]; message: string };

/** HostContext is what a probe's preflight may ask of the host: whether a program is on cron's and systemd's PATH. */
export type HostContext = { onPath(program: string): boolean };

/** Probe checks one kind of target, with the config its schema gives. It must never throw. */
export interface Probe<S extends z.ZodObject = z.ZodObject> {
  /** The schema of a check of this type: `type: z.literal(...)` and the probe's own fields. */
  readonly schema: S;
  /** The phrases of its summaries in each locale (words.ts in the probe's folder). */
  readonly words: Words;
  run(cfg: z.output<S>, ctx: ProbeContext): Promise<ProbeOutput>;
  /** What `validate` checks on this host before the night for a check of this type (none when absent). */
  preflight?(cfg: z.output<S>, host: HostContext): HostFinding[] | Promise<HostFinding[]>;
  /** The local TCP port the checked service listens on, for a restart's stop_hung (none when absent). */
  port?(cfg: z.output<S>): number | undefined;
  /** The host that port is on: only a port on this host has a process watchdog can see start (probes/started.ts). */
  host?(cfg: z.output<S>): string | undefined;
  /** The service's processes as the check knows them (its memory of the last pass), for its kernel evidence. */
  watched?(cfg: z.output<S>, memory: unknown): Watched;
}

/** defineProbe ties a probe's run to its schema: run receives what the schema gives, nothing looser. */
export function defineProbe<S extends z.ZodObject>(
  schema: S,
  impl: {
    words: Words;
    run(cfg: z.output<S>, ctx: ProbeContext): Promise<ProbeOutput>;
    preflight?(cfg: z.output<S>, host: HostContext): HostFinding[] | Promise<HostFinding[]>;
    port?(cfg: z.output<S>): number | undefined;
    host?(cfg: z.output<S>): string | undefined;
    watched?(cfg: z.output<S>, memory: unknown): Watched;
  },
): Probe<S> {
  const { words, run, preflight, port, host, watched } = impl;
  const optional = {
    ...(preflight ? { preflight } : {}),
    ...(port ? { port } : {}),
    ...(host ? { host } : {}),
    ...(watched ? { watched } : {}),
  };
  return { schema, words, run, ...optional };
}
