import type { OutboxEntry } from "../../engine/types.js";
import type { Stage } from "./types.js";

/**
 * dailyLimitNotice tells the other channels, once a day, that a channel reached its daily cap:
 *   first drop of the day  one notice to every other channel not of the capped channel's type (no SMS about SMS)
 *   later drops that day   nothing (limitNoticeDay remembers the day)
 */
export const dailyLimitNotice: Stage = (b) => {
  const cap = b.turn?.cap;
  if (!cap || !b.cs || b.cs.limitNoticeDay === cap.day) return b;
  const name = b.channel;
  const host = b.turn!.group.entry.message.host;
  const notice = { type: "daily_limit" as const, channel: name, limit: cap.limit, day: cap.day };
  const notices = [...b.policies.keys()]
    .filter((c) => c !== name && b.policies.get(c)?.type !== b.policy.type)
    .map((c): OutboxEntry => ({
      message: { id: `${name}-daily-limit-${cap.day}~${c}`, channel: c, host, createdAt: b.now, items: [], notice },
      attempts: 0,
      nextAttemptAt: b.now,
      lastError: undefined,
    }));
  return { ...b, cs: { ...b.cs, limitNoticeDay: cap.day }, next: [...b.next, ...notices] };
};
