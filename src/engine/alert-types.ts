import type { Severity, Status } from "../core/status.js";
import type { ProbeResult } from "../probes/types.js";

// The alert facts: what decide asks for (notify, restart) and what a restart hook did, carried in each message.

/** NotifyReason says why a message is sent; it appears in the text and the logs. */
export type NotifyReason =
  | "step" // an escalation step was reached
  | "reminder" // repeat_every passed while still failing
  | "recovered" // the incident is resolved
  | "restart_gave_up" // the restart limit is spent
  | "digest" // messages held by quiet hours, delivered together
  | "test"; // watchdog test-notify

/** RestartOutcome is what one run of a restart hook did. */
export type RestartOutcome = {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** Last lines of the hook's output, already redacted. */
  outputTail: string;
  /** Re-probe status after verify_after; undefined when the hook failed to start. */
  after: Status | undefined;
  helped: boolean;
  /** How long after the hook's exit the check passed (helped), or how long it was polled in vain. */
  backAfterMs?: number;
  waitedMs?: number;
  /** What was done before the hook ran (stop, stop_hung); a string when queued by an older version. */
  stopped?: StopStep[] | string;
  /** The old processes still on the port when the restart did not help; a string from an older version. */
  hint?: HeldPort | string;
  error?: string;
};

/** StopStep is one thing done before a restart hook: the `stop` command's end, or a process on the port ended. */
export type StopStep =
  | { step: "command"; exitCode?: number | null; signal?: string | null; timedOut?: boolean; spawnError?: string }
  | {
      step: "process";
      pid: number;
      comm: string;
      port: number;
      by?: "TERM" | "KILL";
      graceMs?: number;
      error?: string;
    };

/** HeldPort is the old processes (pid, comm) still listening on the check's port after a restart that did not help. */
export type HeldPort = { port: number; pids: { pid: number; comm: string }[] };

/**
 * NotifyItem is one thing to say about one check: what its probe found (the summary worded in the config's locale),
 * and why it is said. A message groups the items of one run for one channel.
 */
export type NotifyItem = Pick<
  ProbeResult,
  "check" | "status" | "summary" | "said" | "detail" | "excerpt" | "cause" | "kernel"
> & {
  reason: NotifyReason;
  /** 1-based escalation step (0 for recovery and notices outside the ladder). */
  step: number;
  severity: Severity;
  failStreak: number;
  /** When the incident began (epoch ms). */
  since: number;
  /** Outage length, on recovery. */
  outageMs?: number;
  /** Restarts made during the incident, and how many helped. */
  restarts: number;
  restartsHelped: number;
  /** Set when this run restarts the check: the executor fills `restart` with the outcome. */
  restartPlanned?: boolean;
  restart?: RestartOutcome;
  /** The cause id for which the restart this step asks for was skipped: a restart cannot fix it. */
  restartSkipped?: string;
  /** On a "giving up on restarts" notice: the last lines the last restart hook wrote (redacted). */
  lastHookTail?: string;
  runbook?: string;
  labels?: Record<string, string>;
  /**
   * A notice outside the ladder (reason "step", step 0): the check started flapping, or is stable again; or the
   * config file is broken and the last one that validated is in use.
   */
  notice?: "flapping" | "stable" | "config_invalid";
  /** The check flapped until this run and has now failed `failStreak` runs in a row: an outage, said as one. */
  wasFlapping?: true;
  /** A maintenance window held the check until this run, and it still fails: the alert says why it comes now. */
  afterMaintenance?: true;
  /** The check was held while warming up after a restart this long ago, and has not come back (loadMs: last time). */
  notBack?: { agoMs: number; loadMs?: number };
  /** Share of state changes in the last 21 results (percent), on flap notices. */
  flapShare?: number;
  /** Checks that depend on this one and fail with it: their own notifications are held. */
  alsoAffected?: string[];
  /** watchdog itself did not run for this long before this run (said once, in the next message). */
  monitorGapMs?: number;
};

/** Action is what decide asks the executor to do. */
export type Action = { type: "notify"; channel: string; items: NotifyItem[] } | { type: "restart"; check: string };
