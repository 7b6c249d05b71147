import type { ChannelState, OutboxEntry } from "../engine/types.js";
import { countDaily } from "./stages/daily-cap.js";
import { failedRunsOf, nextAttemptDelay } from "./stages/due.js";
import { fallback } from "./stages/fallback.js";
import { spendSlots } from "./stages/rate-limit.js";
import type { ChannelPolicy, Drop, Group, Policies } from "./stages/types.js";
import type { Attempt } from "./types.js";

/** Applied is what one send changed: the channel's memory, what stays in the outbox or is dropped, what goes next. */
export type Applied = { cs: ChannelState | undefined; keep: OutboxEntry[]; drops: Drop[]; next: OutboxEntry[] };

/**
 * applyAttempt is the pure step after a send (AM's SetNotifiesStage after its RetryStage):
 *   every try      spends a slot of the rate-limit window
 *   delivered      counts for the day (daily_limit)
 *   retryable      the group's own entries stay, due after 1m, 2m, 4m ... (one step per failed run, not per try)
 *   permanent      dropped with the vendor's reason and hint
 *   either failure the fallback channels get a copy in this run (stages/fallback.ts)
 * The entries kept are the group's parts, not the merged copy: a later merge then lists them in the order they were
 * made (a kept merge dated from its oldest part would jump ahead of messages made before its newer parts).
 */
export function applyAttempt(
  g: Group,
  a: Attempt,
  cs: ChannelState | undefined,
  policy: ChannelPolicy,
  policies: Policies,
  now: number,
): Applied {
  const spent = spendSlots(cs, policy, now, a.tries);
  const o = a.outcome;
  if (o.ok) return { cs: countDaily(spent, policy, now), keep: [], drops: [], next: [] };
  const e = g.entry;
  const attempts = e.attempts + a.tries;
  const failedRuns = failedRunsOf(e) + 1;
  const nextAttemptAt = now + nextAttemptDelay(failedRuns);
  const lastError = o.error;
  const keep = o.retryable ? g.parts.map((p) => ({ ...p, attempts, failedRuns, nextAttemptAt, lastError })) : [];
  const answer = `${o.error}${o.hint ? ` (${o.hint})` : ""}`;
  const drops = o.retryable ? [] : [{ entry: { ...e, attempts }, why: `permanent failure: ${answer}` }];
  return { cs: spent, keep, drops, next: fallback(g, policies, now, answer) };
}
