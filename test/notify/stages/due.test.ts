import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/engine/types.js";
import type { QuietHours } from "../../../src/notify/policy.js";
import { isDue, nextAttemptDelay, reschedule, retryNow } from "../../../src/notify/stages/due.js";
import { entry, MIN, policy, T } from "./cases.js";

describe("stage due: due now, or waiting", () => {
  it.each([
    // Never tried, due at T: due.
    { next: T, heldBy: undefined, failedRuns: 0, want: true },
    // Its time passed: due.
    { next: T - 5 * MIN, heldBy: undefined, failedRuns: 1, want: true },
    // Backoff of 1 failed run (1m) not over: waits.
    { next: T + MIN, heldBy: undefined, failedRuns: 1, want: false },
    // 5 minutes ahead after 1 failed run (backoff 1m): the clock was stepped back: due now.
    { next: T + 5 * MIN, heldBy: undefined, failedRuns: 1, want: true },
    // 5 minutes ahead after 4 failed runs (backoff 8m): a plausible wait: waits.
    { next: T + 5 * MIN, heldBy: undefined, failedRuns: 4, want: false },
    // Held by quiet hours for 6 hours (a window may last a day): waits.
    { next: T + 360 * MIN, heldBy: "quiet_hours", failedRuns: 0, want: false },
    // Held by quiet hours for more than a day: no window does that: due (quiet hours hold it again if they must).
    { next: T + 25 * 60 * MIN, heldBy: "quiet_hours", failedRuns: 0, want: true },
    // Held by a 5-minute rate limit for 4 minutes: waits.
    { next: T + 4 * MIN, heldBy: "rate_limit", failedRuns: 0, want: false },
    // Held by a 5-minute rate limit for 10 minutes: the clock went back: due.
    { next: T + 10 * MIN, heldBy: "rate_limit", failedRuns: 0, want: true },
  ] as { next: number; heldBy: Message["heldBy"]; failedRuns: number; want: boolean }[])(
    "next $next, $heldBy, $failedRuns failed runs",
    ({ next, heldBy, failedRuns, want }) => {
      const e = entry("hook", heldBy ? { heldBy } : {}, { nextAttemptAt: next, failedRuns });
      expect(isDue(e, policy({ rateLimit: { max: 1, per: 5 * MIN } }), T)).toBe(want);
    },
  );

  it.each([
    // 1m, 2m, 4m ... doubling with each failed run, capped at an hour.
    { runs: 0, want: MIN },
    { runs: 1, want: MIN },
    { runs: 2, want: 2 * MIN },
    { runs: 4, want: 8 * MIN },
    { runs: 7, want: 60 * MIN },
    { runs: 30, want: 60 * MIN },
  ])("backoff after $runs failed runs", ({ runs, want }) => {
    expect(nextAttemptDelay(runs)).toBe(want);
  });

  it("a state file from before failedRuns counts 3 tries as one failed run", () => {
    // 6 tries = 2 runs: backoff 2m, so 90 s ahead is a plausible wait.
    expect(isDue(entry("hook", {}, { attempts: 6, nextAttemptAt: T + 90_000 }), policy(), T)).toBe(false);
  });
});

describe("stage due: a held entry's wait follows the channel's current settings", () => {
  // T is 10:00 UTC. Quiet hours 08:00-20:00 UTC held the message until 20:00 (its wait was a hold: heldUntil is set).
  const quiet = (to: string): QuietHours => ({ from: "08:00", to, timezone: "UTC", except: "none" });
  const at = (hhmm: string) => Date.parse(`2026-11-22T${hhmm}:00Z`);
  it.each([
    // The quiet hours are unchanged: it waits for 20:00 as before.
    { heldBy: "quiet_hours", next: at("20:00"), held: true, now: { quietHours: quiet("20:00") }, want: at("20:00") },
    // The quiet hours were removed: due now.
    { heldBy: "quiet_hours", next: at("20:00"), held: true, now: {}, want: T },
    // The window now ends at 12:00: it waits for 12:00.
    { heldBy: "quiet_hours", next: at("20:00"), held: true, now: { quietHours: quiet("12:00") }, want: at("12:00") },
    // The window now ends at 22:00: it waits for 22:00.
    { heldBy: "quiet_hours", next: at("20:00"), held: true, now: { quietHours: quiet("22:00") }, want: at("22:00") },
    // Held once, then its send failed: the wait is the failure's backoff, whatever the quiet hours say now.
    { heldBy: "quiet_hours", next: T + 2 * MIN, held: false, now: {}, want: T + 2 * MIN },
    // The rate limit was removed: due now.
    { heldBy: "rate_limit", next: T + 9 * MIN, held: true, now: {}, want: T },
    // The rate limit's window is now a minute: it waits at most a minute.
    { heldBy: "rate_limit", next: T + 9 * MIN, held: true, now: { rateLimit: { max: 1, per: MIN } }, want: T + MIN },
    // A wait shorter than the current window: unchanged (the rate limit stage knows the sends in it).
    { heldBy: "rate_limit", next: T + MIN, held: true, now: { rateLimit: { max: 1, per: 5 * MIN } }, want: T + MIN },
    // Never held: a backoff is not a setting; unchanged.
    { heldBy: undefined, next: T + 4 * MIN, held: false, now: {}, want: T + 4 * MIN },
  ] as { heldBy: Message["heldBy"]; next: number; held: boolean; now: object; want: number }[])(
    "$heldBy until $next (held $held), now $now: $want",
    ({ heldBy, next, held, now, want }) => {
      const e = entry("hook", heldBy ? { heldBy } : {}, { nextAttemptAt: next, ...(held ? { heldUntil: next } : {}) });
      const r = reschedule(e, policy(now), T);
      expect(r.nextAttemptAt).toBe(want);
      expect(r.message).toBe(e.message);
    },
  );
});

describe("stage due: a config edit tries at once what waits out a failed send's backoff", () => {
  it.each([
    // Failed, waiting 8 minutes: due now.
    { e: { nextAttemptAt: T + 8 * MIN, lastError: "ECONNREFUSED" }, want: T },
    // Held by quiet hours (heldUntil marks the hold): the hold stays, reschedule follows the new settings.
    { e: { nextAttemptAt: T + 8 * MIN, heldUntil: T + 8 * MIN, lastError: undefined }, want: T + 8 * MIN },
    // Held, then failed since: the backoff is the wait, and goes.
    { e: { nextAttemptAt: T + 4 * MIN, heldUntil: T + 8 * MIN, lastError: "503" }, want: T },
    // Already due: unchanged.
    { e: { nextAttemptAt: T - MIN, lastError: "503" }, want: T - MIN },
    // Never tried (no error): unchanged.
    { e: { nextAttemptAt: T + MIN, lastError: undefined }, want: T + MIN },
  ])("$e -> $want", ({ e, want }) => {
    expect(retryNow(entry("email", {}, e), T).nextAttemptAt).toBe(want);
  });
});
