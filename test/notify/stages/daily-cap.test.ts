import { describe, expect, it } from "vitest";
import type { ChannelState } from "../../../src/engine/types.js";
import { countDaily, dailyCap } from "../../../src/notify/stages/daily-cap.js";
import { batch, entry, group, policy, T, turn } from "./cases.js";

const cs = (day: string | undefined, dayCount: number): ChannelState => ({ sentAt: [], day, dayCount });

describe("stage daily cap", () => {
  it.each([
    // No daily_limit: always allowed.
    { limit: undefined, state: cs("2026-11-22", 99), want: true },
    // 1 of 2 sent today: allowed.
    { limit: 2, state: cs("2026-11-22", 1), want: true },
    // 2 of 2 sent today: dropped, saying the limit and the day.
    { limit: 2, state: cs("2026-11-22", 2), want: false },
    // 2 sent yesterday: a new day, allowed.
    { limit: 2, state: cs("2026-11-21", 2), want: true },
    // A count dated tomorrow (a clock stepped back over midnight): still that day's count, dropped.
    { limit: 2, state: cs("2026-11-23", 2), want: false },
    // A count dated a month ahead (the clock was wrong then): not kept, allowed.
    { limit: 2, state: cs("2026-12-22", 2), want: true },
  ])("limit $limit, $state.dayCount on $state.day", async ({ limit, state, want }) => {
    const p = policy({ dailyLimit: limit, quietHours: { from: "00:00", to: "00:00", timezone: "UTC" } });
    const r = await dailyCap(batch({ channel: "sms", cs: state, policy: p, turn: turn(group(entry("sms"))) }));
    expect(r.turn!.open).toBe(want);
    if (!want) expect(r.drops[0]!.why).toMatch(/^daily_limit of 2 reached for 2026-11-2[23]: not sent through "sms"$/);
  });

  it.each([
    // First send of the day: 1.
    { state: cs("2026-11-21", 5), want: { day: "2026-11-22", dayCount: 1 } },
    // Third send of the day: 3.
    { state: cs("2026-11-22", 2), want: { day: "2026-11-22", dayCount: 3 } },
  ])("a delivered send counts: $state.dayCount on $state.day", ({ state, want }) => {
    expect(countDaily(state, policy({ dailyLimit: 10 }), T)).toMatchObject(want);
  });

  it("a channel without a daily_limit keeps no count", () => {
    const state = cs(undefined, 0);
    expect(countDaily(state, policy(), T)).toBe(state);
  });

  it("counts in the timezone of the channel's quiet hours", async () => {
    // 2026-11-22 18:00 UTC is already the 23rd in Shanghai: the 22nd's count does not apply.
    const p = policy({ dailyLimit: 1, quietHours: { from: "00:00", to: "00:00", timezone: "Asia/Shanghai" } });
    const b = batch({
      channel: "sms",
      cs: cs("2026-11-22", 1),
      policy: p,
      now: Date.parse("2026-11-22T18:00:00Z"),
      turn: turn(group(entry("sms"))),
    });
    expect((await dailyCap(b)).turn!.open).toBe(true);
  });
});
