import { countDaily } from "./daily-cap.js";
import { failedRunsOf, nextAttemptDelay } from "./due.js";
import { spendSlots } from "./rate-limit.js";
import type { Stage } from "./types.js";

/**
 * apply is the pure step after a send (AM's SetNotifiesStage after its RetryStage):
 *   every try      spends a slot of the rate-limit window
 *   delivered      counts for the day (daily_limit)
 *   retryable      the group's own entries stay, due after 1m, 2m, 4m ... (one step per failed run, not per try)
 *   permanent      dropped with the vendor's reason and hint
 *   either failure the fallback channels get a copy in this run (fallback.ts), told what the channel answered
 * The entries kept are the group's parts, not the merged copy: a later merge then lists them in the order they were
 * made (a kept merge dated from its oldest part would jump ahead of messages made before its newer parts).
 */
export const apply: Stage = (b) => {
  const t = b.turn;
  const a = t?.attempt;
  if (!t || !a) return b;
  const spent = spendSlots(b.cs, b.policy, b.now, a.tries);
  const o = a.outcome;
  if (o.ok) return { ...b, cs: countDaily(spent, b.policy, b.now) };
  const e = t.group.entry;
  const attempts = e.attempts + a.tries;
  const failedRuns = failedRunsOf(e) + 1;
  const nextAttemptAt = b.now + nextAttemptDelay(failedRuns);
  const lastError = o.error;
  const keep = o.retryable ? t.group.parts.map((p) => ({ ...p, attempts, failedRuns, nextAttemptAt, lastError })) : [];
  const answer = `${o.error}${o.hint ? ` (${o.hint})` : ""}`;
  const drops = o.retryable ? [] : [{ entry: { ...e, attempts }, why: `permanent failure: ${answer}` }];
  const turn = { ...t, failed: { why: answer } };
  return { ...b, cs: spent, turn, keep: [...b.keep, ...keep], drops: [...b.drops, ...drops] };
};
