import { describe, expect, it } from "vitest";
import type { ChannelState } from "../../../src/engine/types.js";
import { dailyLimitNotice } from "../../../src/notify/stages/daily-limit-notice.js";
import { policies, T } from "./cases.js";

const DAY = "2026-11-22";
const cs = (limitNoticeDay?: string): ChannelState => ({ sentAt: [], day: DAY, dayCount: 2, ...(limitNoticeDay ? { limitNoticeDay } : {}) });
const chans = policies({ sms: { type: "aliyun-sms" }, sms2: { type: "aliyun-sms" }, dingtalk: { type: "dingtalk" }, email: { type: "email" } });

describe("stage daily-limit notice: once a day, to the channels of other types", () => {
  it.each([
    // First drop of the day: every channel not of the SMS type is told (no SMS about SMS).
    { noticed: undefined, want: ["dingtalk", "email"] },
    // A notice went out today already: nothing more.
    { noticed: DAY, want: [] },
    // The last notice was yesterday: told again.
    { noticed: "2026-11-21", want: ["dingtalk", "email"] },
  ])("noticed on $noticed", ({ noticed, want }) => {
    const r = dailyLimitNotice("sms", cs(noticed), { day: DAY, limit: 2 }, "gpu-box-01", chans, T);
    expect(r.notices.map((n) => n.message.channel)).toEqual(want);
    expect(r.cs.limitNoticeDay).toBe(DAY);
  });

  it("a notice is a message of its own, with no items, due now", () => {
    const [n] = dailyLimitNotice("sms", cs(), { day: DAY, limit: 2 }, "gpu-box-01", chans, T).notices;
    expect(n).toEqual({
      message: { id: "sms-daily-limit-2026-11-22~dingtalk", channel: "dingtalk", host: "gpu-box-01", createdAt: T, items: [], notice: { type: "daily_limit", channel: "sms", limit: 2, day: DAY } },
      attempts: 0,
      nextAttemptAt: T,
      lastError: undefined,
    });
  });
});
