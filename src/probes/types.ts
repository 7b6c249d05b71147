import type { Deps } from "../deps.js";

/** Status is the verdict of one probe run. */
export type Status = "ok" | "warning" | "critical" | "unknown";

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

/** Probe checks one kind of target. It must never throw. */
export interface Probe<C> {
  readonly type: string;
  run(cfg: C, ctx: ProbeContext): Promise<ProbeOutput>;
}

/** severityRank orders statuses for "worst of": ok < warning < unknown < critical. */
export function severityRank(s: Status): number {
  return { ok: 0, warning: 1, unknown: 2, critical: 3 }[s];
}

/** worst returns the most severe of the given statuses (ok when empty). */
export function worst(statuses: Iterable<Status>): Status {
  let w: Status = "ok";
  for (const s of statuses) if (severityRank(s) > severityRank(w)) w = s;
  return w;
}
