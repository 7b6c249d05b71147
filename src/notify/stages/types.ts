import type { Logger } from "pino";
import type { ChannelState, OutboxEntry, Refused } from "../../engine/types.js";
import type { QuietHours, RateLimit } from "../policy.js";
import type { Redactor } from "../redact.js";
import type { Attempt, Channel } from "../types.js";

/** Group is what goes out as one message: one outbox entry, or several merged, with the entries it came from. */
export type Group = { entry: OutboxEntry; parts: OutboxEntry[] };

/** Drop is an entry given up on, with the reason `watchdog status` shows. */
export type Drop = { entry: OutboxEntry; why: string };

/**
 * ChannelPolicy is everything delivery reads from one channel's config, resolved once (the type's defaults
 * included): the stages see this, never the config.
 */
export type ChannelPolicy = {
  type: string | undefined;
  rateLimit: RateLimit | undefined;
  dailyLimit: number | undefined;
  quietHours: QuietHours | undefined;
  fallback: readonly string[];
  minSeverity: "warning" | "critical" | undefined;
  timeout: number;
  redact: readonly ("paths" | "ips")[];
  /** Its message cannot name the alerts it refused before (SMS, Alertmanager): none are kept for it. */
  terse?: boolean;
};

/** Policies are the channels delivery can send through this run (built from a config), by name, in config order. */
export type Policies = ReadonlyMap<string, ChannelPolicy>;

/** keepsMemory says whether a channel needs State.channels memory (a rate-limit window or a daily count). */
export function keepsMemory(p: ChannelPolicy): boolean {
  return p.rateLimit !== undefined || p.dailyLimit !== undefined;
}

/** SendOptions are what the send step needs from the run: its deadline, how to wait, and what to mask. */
export type SendOptions = {
  signal: AbortSignal;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Waits before the 2nd and 3rd tries. */
  backoffMs: readonly number[];
  redact: Redactor | undefined;
  /** `redact:` of the whole config, added to each channel's own. */
  redactExcerpts: readonly ("paths" | "ips")[];
};

/** Io is what only the send stage uses: the channel itself and the run's deadline (the hold stages log with it). */
export type Io = {
  channel: Channel;
  send: SendOptions;
  /** Tries a send may take (the first and the in-run retries), less where the rate limit has fewer slots. */
  tries: number;
  logger: Logger;
  /** What the channel refused before (State.refused); `carried` are the channels that named theirs this run. */
  refused: Refused | undefined;
  carried: Set<string>;
};

/**
 * Turn is one message on its way through the stages after merge. A stage that settles it (held, dropped, kept for a
 * later run) closes it; what a closed turn still asks for (a fallback copy, a limit notice) is said by its fields.
 */
export type Turn = {
  group: Group;
  open: boolean;
  /** Tries the rate limit's window leaves it. */
  slots: number;
  attempt: Attempt | undefined;
  /** The channel could not deliver it: the fallback gets a copy, told `why` (the channel's answer) if any. */
  failed: { why: string | undefined } | undefined;
  /** The daily cap dropped it: the other channels are told once a day. */
  cap: { day: string; limit: number } | undefined;
};

/**
 * Batch is one channel's delivery in one pass, the value every stage takes and returns: what goes (`go`, then as
 * messages in `groups`, one `turn` at a time), the channel's memory, and what the pass comes to.
 */
export type Batch = {
  readonly channel: string;
  readonly policy: ChannelPolicy;
  readonly policies: Policies;
  readonly now: number;
  readonly io: Io;
  go: OutboxEntry[];
  /** What waited for the channel (backoff, rate limit): it goes along when something goes. */
  waiting: OutboxEntry[];
  groups: Group[];
  turn: Turn | undefined;
  cs: ChannelState | undefined;
  /** What stays in the outbox, what is given up on, what goes on to the next pass, what was tried. */
  keep: OutboxEntry[];
  drops: Drop[];
  next: OutboxEntry[];
  attempts: Attempt[];
};

/** Stage is one rule of delivery: a batch in, the next batch out (AM's notify.Stage). Only `send` does I/O. */
export type Stage = (b: Batch) => Batch | Promise<Batch>;
