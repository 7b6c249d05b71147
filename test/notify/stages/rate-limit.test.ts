import { describe, expect, it } from "vitest";
import type { ChannelState } from "../../../src/engine/types.js";
import { rateHold, rateLimit, spendSlots } from "../../../src/notify/stages/rate-limit.js";
import type { ChannelPolicy } from "../../../src/notify/stages/types.js";
import { batch, entry, group, MIN, policy, T, turn } from "./cases.js";

/** room is what the rate-limit stage decides at a message's turn: it goes with so many tries, or waits until. */
async function room(state: ChannelState, p: ChannelPolicy) {
  const b = await rateLimit(batch({ cs: state, policy: p, turn: turn(group(entry("dingtalk"))) }));
  return b.turn!.open ? { allowed: true, slots: b.turn!.slots } : { allowed: false, until: b.keep[0]!.nextAttemptAt };
}

const cs = (sentAt: number[]): ChannelState => ({ sentAt, day: undefined, dayCount: 0 });
const times = (n: number, from: number, step = 1000) => Array.from({ length: n }, (_, i) => from + i * step);
const max3 = policy({ rateLimit: { max: 3, per: MIN } });

describe("stage rate limit: a sliding window kept across runs", () => {
  it.each([
    // No limit: always room, any number of tries.
    { p: policy(), sent: times(50, T - 30_000), want: { allowed: true, slots: Infinity } },
    // Nothing sent: 3 slots (a first try and 2 retries).
    { p: max3, sent: [], want: { allowed: true, slots: 3 } },
    // 2 sent in the last minute: 1 slot, no retry.
    { p: max3, sent: times(2, T - 30_000), want: { allowed: true, slots: 1 } },
    // 3 sent in the last minute: full; it waits until the oldest leaves the window (T-30s + 1m).
    { p: max3, sent: times(3, T - 30_000), want: { allowed: false, until: T + 30_000 } },
    // 3 sent, but the oldest over a minute ago: 1 slot.
    { p: max3, sent: [T - 2 * MIN, T - 20_000, T - 10_000], want: { allowed: true, slots: 1 } },
    // Sends dated after now (a clock stepped back) do not count.
    { p: max3, sent: times(3, T + MIN), want: { allowed: true, slots: 3 } },
  ])("$sent.length sent", async ({ p, sent, want }) => {
    expect(await room(cs(sent), p)).toEqual(want);
  });

  it("a held group is marked rate_limit (a quiet-hours mark is kept) and due when the window has room", async () => {
    const held = rateHold(group(entry("dingtalk")), T + 30_000);
    expect(held[0]).toMatchObject({ nextAttemptAt: T + 30_000, message: { heldBy: "rate_limit" } });
    const digest = rateHold(group(entry("dingtalk", { heldBy: "quiet_hours" })), T + 30_000);
    expect(digest[0]!.message.heldBy).toBe("quiet_hours");
  });

  it.each([
    // One try: one slot spent, the sends out of the window forgotten.
    { tries: 1, want: [T - 10_000, T] },
    // Three tries (two retries): three slots.
    { tries: 3, want: [T - 10_000, T, T, T] },
    // Not tried (the run's deadline): nothing spent.
    { tries: 0, want: [T - 2 * MIN, T - 10_000] },
  ])("$tries tries spend $tries slots", async ({ tries, want }) => {
    expect(spendSlots(cs([T - 2 * MIN, T - 10_000]), max3, T, tries)?.sentAt).toEqual(want);
  });
});
