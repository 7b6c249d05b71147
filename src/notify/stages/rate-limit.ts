import type { ChannelState, OutboxEntry } from "../../engine/types.js";
import { rateCheck } from "../policy.js";
import type { ChannelPolicy, Group } from "./types.js";

/**
 * rateLimit is the sliding window kept across runs in State.channels (rate_limit, or the type's default):
 *   room in the window  the group goes, with as many tries as slots are left (a retry spends a slot too)
 *   window full         the group waits, marked `heldBy: rate_limit`, until the oldest send leaves the window
 * A channel without a limit always has room.
 */
export function rateLimit(
  cs: ChannelState | undefined,
  policy: ChannelPolicy,
  now: number,
): { allowed: true; slots: number } | { allowed: false; until: number } {
  const limit = policy.rateLimit;
  if (!cs || !limit) return { allowed: true, slots: Infinity };
  const r = rateCheck(cs.sentAt, now, limit);
  return r.allowed ? { allowed: true, slots: limit.max - r.recent.length } : { allowed: false, until: r.retryAt };
}

/** rateHold is a group's entries waiting for the window: they go out merged with the next message when it has room. */
export function rateHold(g: Group, until: number): OutboxEntry[] {
  return g.parts.map((p): OutboxEntry => {
    const heldBy = p.message.heldBy ?? "rate_limit";
    return { ...p, message: { ...p.message, heldBy }, nextAttemptAt: until, heldUntil: until };
  });
}

/** spendSlots is the channel's memory after `tries` sends at `now` (failed ones too: the vendor counted them). */
export function spendSlots(cs: ChannelState | undefined, policy: ChannelPolicy, now: number, tries: number) {
  if (!cs || !policy.rateLimit || tries === 0) return cs;
  const recent = rateCheck(cs.sentAt, now, policy.rateLimit).recent;
  return { ...cs, sentAt: [...recent, ...Array<number>(tries).fill(now)] };
}
