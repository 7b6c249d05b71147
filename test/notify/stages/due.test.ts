import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/engine/types.js";
import { isDue, nextAttemptDelay } from "../../../src/notify/stages/due.js";
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
  ] as { next: number; heldBy: Message["heldBy"]; failedRuns: number; want: boolean }[])("next $next, $heldBy, $failedRuns failed runs", ({ next, heldBy, failedRuns, want }) => {
    const e = entry("hook", heldBy ? { heldBy } : {}, { nextAttemptAt: next, failedRuns });
    expect(isDue(e, policy({ rateLimit: { max: 1, per: 5 * MIN } }), T)).toBe(want);
  });

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
