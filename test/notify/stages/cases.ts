import type { Message, OutboxEntry } from "../../../src/engine/types.js";
import { silentLogger } from "../../../src/logger.js";
import type { Batch, ChannelPolicy, Group, Io, Policies, Turn } from "../../../src/notify/stages/types.js";
import type { Channel } from "../../../src/notify/types.js";
import { item } from "../fixtures.js";

/** T is a fixed instant: 2026-11-22 10:00 UTC (18:00 in Shanghai). */
export const T = Date.parse("2026-11-22T10:00:00Z");
export const MIN = 60_000;

/** entry is an outbox entry for `channel`, due at T, never tried; `m` and `e` override the message and the entry. */
export function entry(channel = "dingtalk", m: Partial<Message> = {}, e: Partial<OutboxEntry> = {}): OutboxEntry {
  const message: Message = { id: `run1-${channel}`, channel, host: "gpu-box-01", createdAt: T, items: [item()], ...m };
  return { message, attempts: 0, nextAttemptAt: T, lastError: undefined, ...e };
}

/** warning is an item of a warning-level incident. */
export const warning = () => item({ check: "disk", severity: "warning", status: "warning" });

/** policy is a channel with no limits, no quiet hours and no fallback. */
export function policy(over: Partial<ChannelPolicy> = {}): ChannelPolicy {
  return {
    type: "webhook",
    rateLimit: undefined,
    dailyLimit: undefined,
    quietHours: undefined,
    fallback: [],
    minSeverity: "warning",
    timeout: 1000,
    redact: [],
    ...over,
  };
}

/** policies maps channel names to policies, in the order given. */
export function policies(map: Record<string, Partial<ChannelPolicy>>): Policies {
  return new Map(Object.entries(map).map(([name, p]) => [name, policy(p)]));
}

/** group is one entry as a group of its own. */
export function group(e: OutboxEntry): Group {
  return { entry: e, parts: [e] };
}

/** turn is a message at its turn, not yet sent, held or dropped. */
export function turn(g: Group, over: Partial<Turn> = {}): Turn {
  return { group: g, open: true, slots: Infinity, attempt: undefined, failed: undefined, cap: undefined, ...over };
}

/** unreachable is a channel the pure stages never call. */
const unreachable: Channel = {
  name: "x",
  type: "webhook",
  send: async () => ({ ok: false, retryable: false, reason: "client", error: "called" }),
};

/** batch is one channel's batch at T: `over` sets what the stage under test reads. */
export function batch(over: Partial<Batch> = {}): Batch {
  const channel = over.channel ?? "dingtalk";
  const pol = over.policy ?? over.policies?.get(channel) ?? policy();
  const io: Io = {
    channel: unreachable,
    send: {
      signal: new AbortController().signal,
      sleep: async () => {},
      backoffMs: [],
      redact: undefined,
      redactExcerpts: [],
    },
    tries: 3,
    logger: silentLogger(),
    refused: undefined,
    carried: new Set(),
  };
  return {
    channel,
    policy: pol,
    policies: new Map([[channel, pol]]),
    now: T,
    io,
    go: [],
    waiting: [],
    groups: [],
    turn: undefined,
    cs: undefined,
    keep: [],
    drops: [],
    next: [],
    attempts: [],
    ...over,
  };
}
