import type { Severity, Status } from "../core/status.js";
import type { KernelMemory } from "../probes/kernel/read.js";
import type { ChannelHealth, DroppedEntry, OutboxEntry, Refused } from "./message-types.js";
import { dict } from "./dict.js";

export type { Severity } from "../core/status.js";
export type { Action, HeldPort, NotifyItem, NotifyReason, RestartOutcome, StopStep } from "./alert-types.js";
export type {
  ChannelFailingNotice,
  ChannelHealth,
  DroppedEntry,
  Message,
  OutboxEntry,
  Refused,
  RefusedAlert,
} from "./message-types.js";

// The state file's own types: each check's memory and incident, silences, channel memory, and the whole State.

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
