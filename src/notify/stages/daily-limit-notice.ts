import type { ChannelState, OutboxEntry } from "../../engine/types.js";
import type { Policies } from "./types.js";

/**
 * dailyLimitNotice tells the other channels, once a day, that a channel reached its daily cap:
 *   first drop of the day  one notice to every other channel not of the capped channel's type (no SMS about SMS)
 *   later drops that day   nothing (limitNoticeDay remembers the day)
 */
export function dailyLimitNotice(
  name: string,
  cs: ChannelState,
  cap: { day: string; limit: number },
  host: string,
  policies: Policies,
  now: number,
): { cs: ChannelState; notices: OutboxEntry[] } {
  if (cs.limitNoticeDay === cap.day) return { cs, notices: [] };
  const type = policies.get(name)?.type;
  const notice = { type: "daily_limit" as const, channel: name, limit: cap.limit, day: cap.day };
  const notices = [...policies.keys()]
    .filter((c) => c !== name && policies.get(c)?.type !== type)
    .map((c): OutboxEntry => ({
      message: { id: `${name}-daily-limit-${cap.day}~${c}`, channel: c, host, createdAt: now, items: [], notice },
      attempts: 0,
      nextAttemptAt: now,
      lastError: undefined,
    }));
  return { cs: { ...cs, limitNoticeDay: cap.day }, notices };
}
