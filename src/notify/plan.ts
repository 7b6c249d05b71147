import type { ChannelState, OutboxEntry } from "../engine/types.js";
import { dailyCap } from "./stages/daily-cap.js";
import { dailyLimitNotice } from "./stages/daily-limit-notice.js";
import { isDue, reschedule } from "./stages/due.js";
import { expired } from "./stages/expire.js";
import { fallback } from "./stages/fallback.js";
import { merge } from "./stages/merge.js";
import { quietHours } from "./stages/quiet-hours.js";
import { rateHold, rateLimit } from "./stages/rate-limit.js";
import { takeAlong } from "./stages/take-along.js";
import type { ChannelPolicy, Drop, Group, Policies } from "./stages/types.js";

// The pure half of delivery: which outbox entries go now, merged into which messages, and which wait or are dropped.
// Each rule is a stage of its own in stages/; this file only puts them in order. Nothing here does I/O.

/** Triage is the outbox sorted out at the start of a run. */
export type Triage = { due: OutboxEntry[]; waiting: Map<string, OutboxEntry[]>; keep: OutboxEntry[]; drops: Drop[] };

/**
 * triage sorts the outbox: expired entries are dropped (max_age, channel gone), due ones go to the channels' plans,
 * the rest wait (a channel that sends this run takes them along). Past the run's deadline nothing is due.
 */
export function triage(
  outbox: readonly OutboxEntry[],
  policies: Policies,
  now: number,
  maxAgeMs: number,
  aborted: boolean,
): Triage {
  const t: Triage = { due: [], waiting: new Map(), keep: [], drops: [] };
  for (const held of outbox) {
    const channel = held.message.channel;
    // A wait a hold set follows the channel's current settings (quiet hours or rate limit edited since).
    const e = reschedule(held, policies.get(channel), now);
    const why = expired(e, now, maxAgeMs, policies.has(channel));
    if (why !== undefined) t.drops.push({ entry: e, why });
    else if (aborted) t.keep.push(e);
    else if (isDue(e, policies.get(channel), now)) t.due.push(e);
    else t.waiting.set(channel, [...(t.waiting.get(channel) ?? []), e]);
  }
  return t;
}

/** ChannelPlan is what one channel sends this pass, in order, and what it holds back. */
export type ChannelPlan = { groups: Group[]; held: OutboxEntry[] };

/** planChannel applies quiet hours, takes along what waits for the channel, and merges what goes into messages. */
export function planChannel(
  due: readonly OutboxEntry[],
  waiting: readonly OutboxEntry[] | undefined,
  policy: ChannelPolicy,
  now: number,
): ChannelPlan {
  const quiet = quietHours(due, policy, now);
  const along = takeAlong(quiet.go, waiting, policy, now);
  return { groups: merge(along.go), held: [...quiet.held, ...along.held] };
}

/** Verdict is what a group's turn comes to: it is sent (with at most `slots` tries), waits, or is dropped. */
export type Verdict =
  | { kind: "send"; slots: number }
  | { kind: "hold"; keep: OutboxEntry[]; until: number }
  | { kind: "drop"; drop: Drop; next: OutboxEntry[]; cs: ChannelState | undefined };

/**
 * admit is the daily cap, then the rate limit, for one group at its turn. It is asked group by group, with the
 * channel's memory as the sends before it left it: a failed send spends no daily count, and retries spend slots of
 * the window, so the turn of a later group cannot be known before the earlier ones are sent.
 */
export function admit(
  g: Group,
  cs: ChannelState | undefined,
  policy: ChannelPolicy,
  policies: Policies,
  now: number,
): Verdict {
  const name = g.entry.message.channel;
  const cap = dailyCap(name, cs, policy, now);
  if (!cap.allowed) {
    const limit = { day: cap.day, limit: policy.dailyLimit ?? 0 };
    const notice = cs ? dailyLimitNotice(name, cs, limit, g.entry.message.host, policies, now) : { cs, notices: [] };
    const next = [...fallback(g, policies, now), ...notice.notices];
    return { kind: "drop", drop: { entry: g.entry, why: cap.why }, next, cs: notice.cs };
  }
  const rate = rateLimit(cs, policy, now);
  if (!rate.allowed) return { kind: "hold", keep: rateHold(g, rate.until), until: rate.until };
  return { kind: "send", slots: rate.slots };
}
