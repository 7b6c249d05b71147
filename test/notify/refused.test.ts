import { describe, expect, it } from "vitest";
import type { Message, OutboxEntry } from "../../src/engine/types.js";
import { keepRefused, REFUSED_KEPT } from "../../src/notify/refused.js";
import type { Drop } from "../../src/notify/stages/types.js";

const T = 1_700_000_000_000;
const item = (check: string) =>
  ({ check, reason: "step", step: 1, severity: "critical", status: "critical", summary: `${check} down` }) as Message["items"][number];
const drop = (id: string, channel: string, why: string, extra: Partial<Message> = {}): Drop => ({
  entry: { message: { id, channel, host: "h", createdAt: T, items: [item(id)], ...extra }, attempts: 1, nextAttemptAt: T, lastError: undefined } as OutboxEntry,
  why,
});

describe("keepRefused: what a channel refused for good is kept, bounded, until it carries again", () => {
  it("keeps permanent failures and max_age drops; not notices, a channel gone, or a daily cap", () => {
    const out = keepRefused(undefined, [
      drop("a", "email", "permanent failure: SMTP authentication failed: 535"),
      drop("b", "email", "not delivered within max_age (9 attempts; last error: ECONNREFUSED)"),
      drop("c", "email", "permanent failure: 535", { notice: { type: "daily_limit", channel: "sms", limit: 1, day: "d" } }),
      drop("d", "old", 'channel "old" is no longer configured'),
      drop("e", "sms", "daily_limit of 20 reached for 2026-01-01"),
    ], new Set());
    expect(Object.keys(out!)).toEqual(["email"]);
    expect(out!.email!.alerts.map((a) => a.check)).toEqual(["a", "b"]);
    expect(out!.email!.error).toMatch(/^not delivered within max_age/);
  });

  it("keeps the newest REFUSED_KEPT and counts the rest; a channel that carried its list starts afresh", () => {
    const drops = Array.from({ length: REFUSED_KEPT + 5 }, (_, i) => drop(`m${i}`, "email", "permanent failure: 535"));
    const out = keepRefused(undefined, drops, new Set())!;
    expect(out.email!.alerts).toHaveLength(REFUSED_KEPT);
    expect(out.email!.alerts[0]!.check).toBe("m5");
    expect(out.email!.omitted).toBe(5);
    expect(keepRefused(out, [], new Set(["email"]))).toBeUndefined();
    expect(keepRefused(out, [drop("n", "email", "permanent failure: 535")], new Set(["email"]))!.email!.alerts).toHaveLength(1);
  });
});
