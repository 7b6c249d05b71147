import type { Status } from "../core/status.js";
import type { NotifyItem, NotifyReason } from "./alert-types.js";

// The outbox's part of the state: messages on their way, what was given up on, what channels refused.

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
