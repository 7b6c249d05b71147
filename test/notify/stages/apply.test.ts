import { describe, expect, it } from "vitest";
import type { ChannelState } from "../../../src/engine/types.js";
import { runStages } from "../../../src/notify/pipeline.js";
import { apply } from "../../../src/notify/stages/apply.js";
import { fallback } from "../../../src/notify/stages/fallback.js";
import { mergeEntries as merge } from "../../../src/notify/stages/merge.js";
import type { Group } from "../../../src/notify/stages/types.js";
import type { Attempt, SendOutcome } from "../../../src/notify/types.js";
import { refusedFor, retryable } from "../fixtures.js";
import { batch, entry, MIN, policies, T, turn } from "./cases.js";

const permanent = refusedFor("errcode 310000");
const attempt = (outcome: SendOutcome, tries: number): Attempt => ({
  id: "a",
  channel: "dingtalk",
  checks: [],
  ok: outcome.ok,
  tries,
  outcome,
});
const chans = policies({
  dingtalk: { rateLimit: { max: 20, per: MIN }, dailyLimit: 10, fallback: ["email"] },
  email: {},
});
/** applyAttempt is what the apply stage (and the fallback stage after it) make of a send at a message's turn. */
const applyAttempt = (g: Group, a: Attempt, state: ChannelState | undefined) =>
  runStages([apply, fallback], batch({ cs: state, policies: chans, turn: turn(g, { open: false, attempt: a }) }));
const cs = (): ChannelState => ({ sentAt: [T - 1000], day: "2026-11-22", dayCount: 4 });

describe("stage apply: what a send did", () => {
  it.each([
    // Delivered on the first try: one slot spent, one more for the day, nothing kept, no fallback.
    { outcome: { ok: true } as SendOutcome, tries: 1, sentAt: 2, dayCount: 5, kept: 0, dropped: 0, next: 1 - 1 },
    // Retryable, 3 tries: 3 slots spent, no day count, kept for the next run, the fallback gets a copy now.
    { outcome: retryable, tries: 3, sentAt: 4, dayCount: 4, kept: 1, dropped: 0, next: 1 },
    // Permanent: dropped with the reason and hint, the fallback gets a copy now.
    { outcome: permanent, tries: 1, sentAt: 2, dayCount: 4, kept: 0, dropped: 1, next: 1 },
  ])("$outcome.ok after $tries tries", async ({ outcome, tries, sentAt, dayCount, kept, dropped, next }) => {
    const [g] = merge([entry("dingtalk")]);
    const r = await applyAttempt(g!, attempt(outcome, tries), cs());
    expect(r.cs).toMatchObject({ dayCount });
    expect(r.cs!.sentAt).toHaveLength(sentAt);
    expect([r.keep.length, r.drops.length, r.next.length]).toEqual([kept, dropped, next]);
  });

  it("a retryable failure keeps each merged part, with the backoff of one more failed run", async () => {
    const [g] = merge([
      entry("dingtalk", { id: "a" }, { attempts: 3, failedRuns: 1 }),
      entry("dingtalk", { id: "b", createdAt: T + 1 }),
    ]);
    const r = await applyAttempt(g!, attempt(retryable, 3), undefined);
    expect(r.keep.map((e) => [e.message.id, e.attempts, e.failedRuns, e.nextAttemptAt, e.lastError])).toEqual([
      ["a", 6, 2, T + 2 * MIN, "HTTP 500"],
      ["b", 6, 2, T + 2 * MIN, "HTTP 500"],
    ]);
    // Only b was new: only b is copied to the fallback.
    expect(r.next.map((e) => e.message.id)).toEqual(["b~email"]);
  });

  it("a permanent failure is dropped as the merged message, with the vendor's hint", async () => {
    const [g] = merge([entry("dingtalk", { id: "a" }), entry("dingtalk", { id: "b" })]);
    const r = await applyAttempt(g!, attempt(permanent, 1), undefined);
    expect(r.drops.map((d) => [d.entry.message.mergedIds, d.entry.attempts, d.why])).toEqual([
      [["a", "b"], 1, "permanent failure: errcode 310000 (check `secret`)"],
    ]);
  });
});
