import { describe, expect, it } from "vitest";
import type { ChannelState } from "../../../src/engine/types.js";
import { dailyLimitNotice } from "../../../src/notify/stages/daily-limit-notice.js";
import { batch, entry, group, policies, T, turn } from "./cases.js";

const DAY = "2026-11-22";
const cs = (limitNoticeDay?: string): ChannelState => ({
  sentAt: [],
  day: DAY,
  dayCount: 2,
  ...(limitNoticeDay ? { limitNoticeDay } : {}),
});
const chans = policies({
  sms: { type: "aliyun-sms" },
  sms2: { type: "aliyun-sms" },
  dingtalk: { type: "dingtalk" },
  email: { type: "email" },
});

/** capped is the batch of an SMS message the daily cap of 2 dropped at its turn. */
const capped = (state: ChannelState) =>
  batch({
    channel: "sms",
    policy: chans.get("sms"),
    policies: chans,
    cs: state,
    turn: turn(group(entry("sms")), { open: false, cap: { day: DAY, limit: 2 } }),
  });

describe("stage daily-limit notice: once a day, to the channels of other types", () => {
  it.each([
    // First drop of the day: every channel not of the SMS type is told (no SMS about SMS).
    { noticed: undefined, want: ["dingtalk", "email"] },
    // A notice went out today already: nothing more.
    { noticed: DAY, want: [] },
    // The last notice was yesterday: told again.
    { noticed: "2026-11-21", want: ["dingtalk", "email"] },
  ])("noticed on $noticed", async ({ noticed, want }) => {
    const r = await dailyLimitNotice(capped(cs(noticed)));
    expect(r.next.map((n) => n.message.channel)).toEqual(want);
    expect(r.cs?.limitNoticeDay).toBe(DAY);
  });

  it("a notice is a message of its own, with no items, due now", async () => {
    const [n] = (await dailyLimitNotice(capped(cs()))).next;
    expect(n).toEqual({
      message: {
        id: "sms-daily-limit-2026-11-22~dingtalk",
        channel: "dingtalk",
        host: "gpu-box-01",
        createdAt: T,
        items: [],
        notice: { type: "daily_limit", channel: "sms", limit: 2, day: DAY },
      },
      attempts: 0,
      nextAttemptAt: T,
      lastError: undefined,
    });
  });
});
