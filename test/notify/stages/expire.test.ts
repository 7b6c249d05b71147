import { describe, expect, it } from "vitest";
import { expired } from "../../../src/notify/stages/expire.js";
import { entry, MIN, T } from "./cases.js";

const DAY = 24 * 60 * MIN;

describe("stage expire: what can no longer be delivered", () => {
  it.each([
    // Made a minute ago, channel configured: still deliverable.
    { age: MIN, configured: true, want: undefined },
    // Exactly max_age old: still deliverable (only older is dropped).
    { age: DAY, configured: true, want: undefined },
    // Past max_age: dropped, saying how often it was tried and why it failed.
    { age: DAY + 1, configured: true, want: "not delivered within max_age (4 attempts; last error: HTTP 500)" },
    // Its channel was removed from the config: dropped, naming the channel.
    { age: MIN, configured: false, want: 'channel "dingtalk" is no longer configured' },
    // Both: max_age is said first.
    { age: DAY + 1, configured: false, want: "not delivered within max_age (4 attempts; last error: HTTP 500)" },
  ])("age $age, configured $configured", ({ age, configured, want }) => {
    const e = entry("dingtalk", { createdAt: T - age }, { attempts: 4, lastError: "HTTP 500" });
    expect(expired(e, T, DAY, configured)).toBe(want);
  });

  it("a message never tried says so", () => {
    expect(expired(entry("dingtalk", { createdAt: T - DAY - 1 }), T, DAY, true)).toBe(
      "not delivered within max_age (0 attempts; last error: none)",
    );
  });
});
