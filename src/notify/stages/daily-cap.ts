import type { ChannelState } from "../../engine/types.js";
import { dailyCheck } from "../policy.js";
import type { ChannelPolicy } from "./types.js";

/**
 * dailyCap lets a send through while the channel's count for its local day (quiet_hours' timezone) is under its
 * `daily_limit`; past it the group is dropped (recorded), its fallback gets a copy and the other channels one notice
 * a day (stages/daily-limit-notice.ts). Only a delivered send counts (countDaily), so a failed one spends nothing.
 */
export function dailyCap(
  name: string,
  cs: ChannelState | undefined,
  policy: ChannelPolicy,
  now: number,
): { allowed: true } | { allowed: false; day: string; why: string } {
  const limit = policy.dailyLimit;
  if (!cs || limit === undefined) return { allowed: true };
  const d = dailyCheck(cs, now, limit, policy.quietHours?.timezone);
  if (d.allowed) return { allowed: true };
  const why = `daily_limit of ${limit} reached for ${d.day}: not sent through "${name}"`;
  return { allowed: false, day: d.day, why };
}

/** countDaily is the channel's memory after one delivered send: one more for its day. */
export function countDaily(cs: ChannelState | undefined, policy: ChannelPolicy, now: number): ChannelState | undefined {
  if (!cs || policy.dailyLimit === undefined) return cs;
  const d = dailyCheck(cs, now, policy.dailyLimit, policy.quietHours?.timezone);
  return { ...cs, day: d.day, dayCount: d.count + 1 };
}
