import type { ChannelState } from "../../engine/types.js";
import { dailyCheck } from "../policy.js";
import type { ChannelPolicy, Stage } from "./types.js";

/**
 * dailyCap lets a message through while the channel's count for its local day (quiet_hours' timezone) is under its
 * `daily_limit`; past it the message is dropped (recorded), its fallback gets a copy and the other channels one
 * notice a day (daily-limit-notice.ts). Only a delivered send counts (countDaily), so a failed one spends nothing.
 */
export const dailyCap: Stage = (b) => {
  const t = b.turn;
  const limit = b.policy.dailyLimit;
  if (!t?.open || !b.cs || limit === undefined) return b;
  const d = dailyCheck(b.cs, b.now, limit, b.policy.quietHours?.timezone);
  if (d.allowed) return b;
  const why = `daily_limit of ${limit} reached for ${d.day}: not sent through "${b.channel}"`;
  const turn = { ...t, open: false, failed: { why: undefined }, cap: { day: d.day, limit } };
  return { ...b, turn, drops: [...b.drops, { entry: t.group.entry, why }] };
};

/** countDaily is the channel's memory after one delivered send: one more for its day. */
export function countDaily(cs: ChannelState | undefined, policy: ChannelPolicy, now: number): ChannelState | undefined {
  if (!cs || policy.dailyLimit === undefined) return cs;
  const d = dailyCheck(cs, now, policy.dailyLimit, policy.quietHours?.timezone);
  return { ...cs, day: d.day, dayCount: d.count + 1 };
}
