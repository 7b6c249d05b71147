import type { ChannelState, OutboxEntry } from "../../engine/types.js";
import { rateCheck } from "../policy.js";
import { idsOf } from "./merge.js";
import type { ChannelPolicy, Group, Stage } from "./types.js";

/**
 * rateLimit is the sliding window kept across runs in State.channels (rate_limit, or the type's default):
 *   room in the window  the message goes, with as many tries as slots are left (a retry spends a slot too)
 *   window full         its entries wait, marked `heldBy: rate_limit`, until the oldest send leaves the window
 * A channel without a limit always has room.
 */
export const rateLimit: Stage = (b) => {
  const t = b.turn;
  const limit = b.policy.rateLimit;
  if (!t?.open || !b.cs || !limit) return b;
  const r = rateCheck(b.cs.sentAt, b.now, limit);
  if (r.allowed) return { ...b, turn: { ...t, slots: limit.max - r.recent.length } };
  const ids = idsOf(t.group.entry.message);
  b.io.logger.info({ event: "rate_limited", channel: b.channel, ids, until: r.retryAt }, "rate limit: message waits");
  return { ...b, turn: { ...t, open: false }, keep: [...b.keep, ...rateHold(t.group, r.retryAt)] };
};

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
