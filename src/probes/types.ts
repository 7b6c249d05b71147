import type { z } from "zod";
import type { Status } from "../core/status.js";
import type { Deps } from "../deps.js";

// The status vocabulary lives on the ground floor (core/status.ts); re-exported for the probes' own imports.
export { severityRank, worst, type Status } from "../core/status.js";

/** ProbeResult is what a probe found. A failing target is a result, not an exception. */
export type ProbeResult = {
  check: string;
  status: Status;
  /** One line, shown in tables and alert subjects. */
  summary: string;
  detail?: string;
  /** Lines from a log, already cut to size. */
  excerpt?: string[];
  /** Probable cause id (e.g. gpu_oom) with its text, when the probe can tell. */
  cause?: string;
  metrics?: Record<string, number>;
  durationMs: number;
};

/** ProbeContext is what a probe may use besides its config. */
export interface ProbeContext {
  deps: Deps;
  signal: AbortSignal;
  /** Probe-private memory kept in the state file between runs (log offsets); the probe returns the new value. */
  memory: unknown;
}

/** ProbeOutput is a result plus the probe's memory for the next run. */
export type ProbeOutput = Omit<ProbeResult, "check" | "durationMs"> & { memory?: unknown };

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
  run(cfg: z.output<S>, ctx: ProbeContext): Promise<ProbeOutput>;
  /** What `validate` checks on this host before the night for a check of this type (none when absent). */
  preflight?(cfg: z.output<S>, host: HostContext): HostFinding[] | Promise<HostFinding[]>;
}

/** defineProbe ties a probe's run to its schema: run receives what the schema gives, nothing looser. */
export function defineProbe<S extends z.ZodObject>(
  schema: S,
  impl: {
    run(cfg: z.output<S>, ctx: ProbeContext): Promise<ProbeOutput>;
    preflight?(cfg: z.output<S>, host: HostContext): HostFinding[] | Promise<HostFinding[]>;
  },
): Probe<S> {
  return impl.preflight ? { schema, run: impl.run, preflight: impl.preflight } : { schema, run: impl.run };
}
