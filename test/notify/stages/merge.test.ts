import { describe, expect, it } from "vitest";
import type { Message, OutboxEntry } from "../../../src/engine/types.js";
import { merge } from "../../../src/notify/stages/merge.js";
import { batch, entry, MIN, T } from "./cases.js";

/** groupsOf is what the merge stage makes of the entries that go. */
const groupsOf = async (go: OutboxEntry[]) => (await merge(batch({ go }))).groups;
import { item } from "../fixtures.js";

const notice: Message["notice"] = { type: "daily_limit", channel: "sms", limit: 20, day: "2026-11-22" };

describe("stage merge: one message per channel and origin", () => {
  it.each([
    // One entry: itself, unchanged.
    { entries: [{ id: "a" }], want: [["a"]] },
    // Two alerts to one channel: one message listing both.
    { entries: [{ id: "a" }, { id: "b" }], want: [["a", "b"]] },
    // A fallback copy stays apart from the channel's own messages (it says where it came from).
    { entries: [{ id: "a" }, { id: "x~hook", fallbackFrom: "dingtalk" }], want: [["a"], ["x~hook"]] },
    // Copies from two different channels stay apart too.
    {
      entries: [
        { id: "x~hook", fallbackFrom: "dingtalk" },
        { id: "y~hook", fallbackFrom: "wecom" },
      ],
      want: [["x~hook"], ["y~hook"]],
    },
    // A daily-limit notice stays a message of its own: merged, its subject would hide the alert.
    { entries: [{ id: "n", notice }, { id: "a" }], want: [["n"], ["a"]] },
    // An already merged entry contributes every id it stood for.
    { entries: [{ id: "a", mergedIds: ["a", "a2"] }, { id: "b" }], want: [["a", "a2", "b"]] },
  ] as { entries: Partial<Message>[]; want: string[][] }[])("$entries.length entries", async ({ entries, want }) => {
    const groups = await groupsOf(entries.map((m) => entry("hook", m)));
    expect(groups.map((g) => g.entry.message.mergedIds ?? [g.entry.message.id])).toEqual(want);
  });

  it(
    "the merged message keeps the first id, " + "dates from the oldest, and carries the worst retry bookkeeping",
    async () => {
      const a: OutboxEntry = entry(
        "hook",
        { id: "a", createdAt: T, items: [item({ check: "a" })] },
        { attempts: 3, failedRuns: 1, nextAttemptAt: T + MIN, lastError: "HTTP 500" },
      );
      const b: OutboxEntry = entry(
        "hook",
        { id: "b", createdAt: T - MIN, items: [item({ check: "b" })], heldBy: "rate_limit" },
        { attempts: 0, nextAttemptAt: T },
      );
      const [g] = await groupsOf([a, b]);
      expect(g!.parts).toEqual([a, b]);
      expect(g!.entry).toMatchObject({ attempts: 3, failedRuns: 1, nextAttemptAt: T, lastError: "HTTP 500" });
      expect(g!.entry.message).toMatchObject({
        id: "a",
        createdAt: T - MIN,
        mergedIds: ["a", "b"],
        heldBy: "rate_limit",
      });
      expect(g!.entry.message.items.map((i) => i.check)).toEqual(["a", "b"]);
    },
  );

  it.each([
    // A digest of quiet hours says so, even when a rate-limited message is in it.
    { held: ["rate_limit", "quiet_hours"], want: "quiet_hours" },
    // Rate limit only.
    { held: [undefined, "rate_limit"], want: "rate_limit" },
    // Nothing held: no mark.
    { held: [undefined, undefined], want: undefined },
  ] as { held: Message["heldBy"][]; want: Message["heldBy"] }[])("held by $held", async ({ held, want }) => {
    const [g] = await groupsOf(held.map((heldBy, i) => entry("hook", { id: `m${i}`, ...(heldBy ? { heldBy } : {}) })));
    expect(g!.entry.message.heldBy).toBe(want);
  });

  it.each([
    // Only restatements: the merged message is one too.
    { flags: [true, true], want: true },
    // A restatement merged with a new alert: the alert must reach the fallback, so the mark goes.
    { flags: [true, false], want: undefined },
  ])("noFallback $flags", async ({ flags, want }) => {
    const [g] = await groupsOf(
      flags.map((f, i) => entry("am", { id: `m${i}`, ...(f ? { noFallback: true as const } : {}) })),
    );
    expect(g!.entry.message.noFallback).toBe(want);
  });
});
