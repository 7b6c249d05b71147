import type { OutboxEntry } from "../../engine/types.js";
import { holdsForQuiet } from "../policy.js";
import type { ChannelPolicy } from "./types.js";

const HOUR = 3_600_000;

/** nextAttemptDelay is the wait before a later run retries, after `failedRuns` failed runs: 1m, 2m, 4m ... 1h. */
export function nextAttemptDelay(failedRuns: number): number {
  return Math.min(HOUR, 60_000 * 2 ** Math.max(0, failedRuns - 1));
}

/** failedRunsOf is how many runs failed to deliver an entry; a state file from before the count guesses (3 a run). */
export function failedRunsOf(e: OutboxEntry): number {
  return e.failedRuns ?? Math.ceil(e.attempts / 3);
}

/**
 * isDue says whether an entry is due at `now`:
 *   nextAttemptAt <= now                      due
 *   nextAttemptAt > now, by at most its wait  waiting (its backoff, its rate-limit window, a day of quiet hours)
 *   nextAttemptAt > now, by more than that    due: the clock was stepped back, and it must not wait out the jump
 * Holds still apply to an entry made due by a clock that went back (quiet hours hold it again).
 */
export function isDue(e: OutboxEntry, policy: ChannelPolicy | undefined, now: number): boolean {
  if (e.nextAttemptAt <= now) return true;
  const heldBy = e.message.heldBy;
  const held = heldBy === "quiet_hours" ? 24 * HOUR : heldBy === "rate_limit" ? (policy?.rateLimit?.per ?? 0) : 0;
  return e.nextAttemptAt - now > Math.max(held, nextAttemptDelay(failedRunsOf(e)));
}

/**
 * reschedule computes a held entry's wait again with the channel's current settings, so an edited config applies
 * to what already waits (the hold that set nextAttemptAt is marked by heldUntil; a failed send since moved
 * nextAttemptAt, and that backoff stays):
 *   held by quiet hours   until the current window ends; due now when the current quiet hours do not hold it
 *   held by rate limit    due now without a rate limit; at most one current window away (the stage knows the rest)
 */
export function reschedule(e: OutboxEntry, policy: ChannelPolicy | undefined, now: number): OutboxEntry {
  if (e.nextAttemptAt <= now || e.heldUntil !== e.nextAttemptAt) return e;
  let until = e.nextAttemptAt;
  if (e.message.heldBy === "quiet_hours") {
    const q = holdsForQuiet(e.message, now, policy?.quietHours);
    until = q.hold ? q.until : now;
  } else if (e.message.heldBy === "rate_limit") {
    const per = policy?.rateLimit?.per;
    until = per === undefined ? now : Math.min(until, now + per);
  }
  return until === e.nextAttemptAt ? e : { ...e, nextAttemptAt: until, heldUntil: until };
}

/**
 * retryNow makes an entry that waits out a failed send's backoff due at once: the config was edited (a host, a
 * password fixed), so the next try should not wait up to an hour for the old mistake. A hold's wait is left to
 * reschedule.
 */
export function retryNow(e: OutboxEntry, now: number): OutboxEntry {
  const backoff = e.nextAttemptAt > now && e.heldUntil !== e.nextAttemptAt && e.lastError !== undefined;
  return backoff ? { ...e, nextAttemptAt: now } : e;
}
