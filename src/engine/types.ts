import type { Severity, Status } from "../core/status.js";
import type { KernelMemory } from "../probes/kernel/read.js";
import type { ProbeResult } from "../probes/types.js";
import { dict } from "./dict.js";

export type { Severity } from "../core/status.js";

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

/** Incident is one failure episode of a check, from the first failing run until recovery. */
export type Incident = {
  id: string;
  startedAt: number;
  /** Worst severity seen during the incident. */
  peak: Severity;
  /** 0-based indexes of escalation steps already fired. */
  stepsFired: number[];
  /** Channels told during the incident (queued for them): they get the recovery notice. */
  notified: string[];
  /**
   * Channels that accepted a message about the incident (engine/record.ts): what `status` shows as told. Absent in an
   * incident opened by an older build, which did not record it.
   */
  delivered?: string[];
  /** When a channel last accepted a message about the incident. */
  lastSentAt?: number;
  /** Channels a fired step skipped because of min_severity; told if the incident turns critical. */
  held: { channel: string; step: number }[];
  lastNotifiedAt: number | undefined;
  restarts: number;
  restartsHelped: number;
  gaveUp: boolean;
  /** The last lines the incident's last restart hook wrote (redacted), for the "giving up" notice. */
  lastHookTail?: string;
  cause: string | undefined;
  /**
   * Set by `watchdog ack`: no further steps, reminders or restarts; recovery still goes out. Ends with the incident.
   */
  ack?: { at: number; note: string | undefined };
};

/** freshIncident is an incident that has just opened: nothing fired, told, held or restarted yet. */
export function freshIncident(id: string, startedAt: number, peak: Severity, cause: string | undefined): Incident {
  const nothingYet = { stepsFired: [], notified: [], delivered: [], held: [], lastNotifiedAt: undefined };
  return { id, startedAt, peak, ...nothingYet, restarts: 0, restartsHelped: 0, gaveUp: false, cause };
}

/** CheckState is what the state file remembers of one check. */
export type CheckState = {
  status: Status;
  /** When the current ok/failing streak began. */
  since: number;
  failStreak: number;
  okStreak: number;
  lastRunAt: number;
  summary: string;
  /** The last results, oldest first, "o" ok and "x" failing, at most RECENT_MAX. */
  recent: string;
  /** Epoch ms of restarts, kept while inside the restart limit window. */
  restartTimes: number[];
  incident: Incident | undefined;
  /** Set while the check flaps (Nagios-style share of state changes): its notices are held until it is stable. */
  flapping?: { since: number; share: number; told: string[] };
  /** Why this run held the check's notifications and restarts; the run after a hold resumes the ladder in one step. */
  held?: HoldReason;
  /** What a warm-up after a restart needs: the process's last start seen, how long the last load took (warmup.ts). */
  warmup?: Warmup;
};

/** HoldReason says why a check's notifications and restarts are held. */
export type HoldReason = "silenced" | "maintenance" | "depends" | "flapping" | "warming";

/**
 * Warmup is a check's memory of its process's starts: the last start seen (epoch ms) and a hash of its command line,
 * the start a held warm-up waits on, and how long the last load took (start to the first passing run).
 */
export type Warmup = { start?: number; cmd?: string; waiting?: number; loadMs?: number };

/** Silence mutes the checks whose name matches `pattern` (a glob) from `startsAt` until `endsAt`. */
export type Silence = {
  id: string;
  pattern: string;
  reason: string;
  createdAt: number;
  startsAt: number;
  endsAt: number;
};

/** Message is one notification to one channel: what is stored in the outbox and rendered at send time. */
export type Message = {
  id: string;
  channel: string;
  host: string;
  createdAt: number;
  items: NotifyItem[];
  /** Set when this message is a fallback copy of a message another channel could not deliver. */
  fallbackFrom?: string;
  /** What the channel it came from answered, and the fix: the one message says why it is here. */
  fallbackWhy?: string;
  /** Channels that could not deliver it before, oldest first (a copy of a copy): a fallback never goes back to one. */
  fallbackPath?: string[];
  /** Ids of the messages merged into this one (rate limit, quiet-hours digest); the message's own id comes first. */
  mergedIds?: string[];
  /**
   * Set on a message that only restates what its channel was told before (a channel's keep-alive re-send): when its
   * channel cannot deliver it, no fallback copy is made (the fallback was given the original already).
   */
  noFallback?: true;
  /** Alerts this channel refused for good before: the first message it carries again names them. */
  lostBefore?: Refused;
  /** Why delivery held this message back (it goes out merged with others when the hold ends). */
  heldBy?: "quiet_hours" | "rate_limit";
  /** A notice about delivery itself rather than about checks (items may be empty). */
  notice?: { type: "daily_limit"; channel: string; limit: number; day: string } | ChannelFailingNotice;
};

/** ChannelFailingNotice tells the other channels that one channel cannot deliver (notify/channel-health.ts). */
export type ChannelFailingNotice = {
  type: "channel_failing";
  channel: string;
  since: number;
  problem: string;
  error: string;
  others: string[];
};

/** ChannelHealth is an open episode of a channel that keeps failing: told once, closed by its next delivered send. */
export type ChannelHealth = { since: number; problem: string; error: string; told: string[] };

/** OutboxEntry is a message not yet delivered, with its retry bookkeeping. */
export type OutboxEntry = {
  message: Message;
  /** Sends tried, in-run retries included. */
  attempts: number;
  /** Runs that tried and failed to deliver it: the retry backoff doubles with each (absent in older state files). */
  failedRuns?: number;
  nextAttemptAt: number;
  /**
   * Set with nextAttemptAt by a hold (quiet hours, rate limit), so the wait is computed again from the current config
   * (notify/stages/due.ts). A failed send since moves nextAttemptAt away from it: that backoff is then the wait.
   */
  heldUntil?: number;
  lastError: string | undefined;
};

/** RefusedAlert is one alert a channel refused for good (or let expire), kept short until it carries again. */
export type RefusedAlert = {
  id: string;
  at: number;
  check: string;
  status: Status;
  reason: NotifyReason;
  step: number;
  summary: string;
};

/** Refused is one channel's kept alerts, oldest first, the last refusal's error, and how many the bound let go. */
export type Refused = { alerts: RefusedAlert[]; omitted: number; error: string };

/** DroppedEntry records a message given up on (kept short, for `watchdog status`). */
export type DroppedEntry = {
  id: string;
  channel: string;
  createdAt: number;
  droppedAt: number;
  why: string;
  checks: string[];
};

/** State is the whole state file. */
export type State = {
  version: 1;
  checks: Record<string, CheckState>;
  outbox: OutboxEntry[];
  dropped: DroppedEntry[];
  droppedTotal: number;
  /** Per-channel memory: rate limit windows, daily counters. */
  channels: Record<string, ChannelState>;
  /** Probe-private memory (log offsets), by check name. */
  probes: Record<string, unknown>;
  lastRun: { startedAt: number; durationMs: number } | undefined;
  /** Active and recently ended silences (`watchdog silence`). */
  silences: Silence[];
  /** A gap in watchdog's own runs, not yet said in a message. */
  monitorGap?: { from: number; to: number };
  /** Channels that keep failing (refused credentials, a dropped message), by name: see notify/channel-health.ts. */
  channelHealth?: Record<string, ChannelHealth>;
  /** Alerts each channel refused for good, kept until it carries a message again (notify/refused.ts). */
  refused?: Record<string, Refused>;
  /** Notification totals by channel and result, for metrics. */
  sent: Record<string, { ok: number; failed: number }>;
  /** Where the last read of the kernel log ended, and the processes that held the checks' ports when they passed. */
  kernel?: KernelMemory;
};

/** ChannelState is the cross-run memory of one channel. */
export type ChannelState = {
  /** Send times inside the current rate-limit window. */
  sentAt: number[];
  /** Messages sent per local day (YYYY-MM-DD), for daily limits. */
  day: string | undefined;
  dayCount: number;
  /** The day a "daily limit reached" notice went out for this channel (one per day). */
  limitNoticeDay?: string;
};

/** RECENT_MAX is how many past results a check remembers (21 is Nagios' flap window). */
export const RECENT_MAX = 21;

/** emptyState is the state of a first run; its name-keyed maps have no prototype (see dict). */
export function emptyState(): State {
  return {
    version: 1,
    checks: dict(),
    outbox: [],
    dropped: [],
    droppedTotal: 0,
    channels: dict(),
    probes: dict(),
    lastRun: undefined,
    silences: [],
    sent: dict(),
  };
}
