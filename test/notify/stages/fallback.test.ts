import { describe, expect, it } from "vitest";
import type { Message, OutboxEntry } from "../../../src/engine/types.js";
import { fallback } from "../../../src/notify/stages/fallback.js";
import { mergeEntries as merge } from "../../../src/notify/stages/merge.js";
import type { Group, Policies } from "../../../src/notify/stages/types.js";
import { batch, entry, policies, T, turn, warning } from "./cases.js";

/** copies are what the fallback stage makes of a group its channel could not deliver. */
const copies = async (g: Group, chans: Policies) =>
  (await fallback(batch({ policies: chans, turn: turn(g, { open: false, failed: { why: undefined } }) }))).next;

const chans = policies({
  dingtalk: { fallback: ["email", "sms"] },
  email: { fallback: ["dingtalk"] },
  sms: { minSeverity: "critical" },
});

describe("stage fallback: what a channel could not deliver goes to its fallback channels", () => {
  it.each([
    // First try of an alert: a copy to each fallback channel.
    { m: {}, e: {}, want: ["run1-dingtalk~email", "run1-dingtalk~sms"] },
    // A retry from an earlier run: the fallback got it then.
    { m: {}, e: { attempts: 3 }, want: [] },
    // A keep-alive restatement: never copied (the fallback would get it every run).
    { m: { noFallback: true }, e: {}, want: [] },
    // A warning: not to sms (min_severity critical).
    { m: { items: [warning()] }, e: {}, want: ["run1-dingtalk~email"] },
    // A copy that came through email does not go back to it.
    { m: { fallbackFrom: "email" }, e: {}, want: ["run1-dingtalk~sms"] },
    // Nor to a channel further back on its path.
    { m: { fallbackFrom: "email", fallbackPath: ["sms", "email"] }, e: {}, want: [] },
  ] as { m: Partial<Message>; e: Partial<OutboxEntry>; want: string[] }[])("$m $e", async ({ m, e, want }) => {
    const [g] = merge([entry("dingtalk", m, e)]);
    expect((await copies(g!, chans)).map((c) => c.message.id)).toEqual(want);
  });

  it("a copy is marked with its origin and path, due now, never tried, no hold", async () => {
    const [g] = merge([entry("dingtalk", { heldBy: "rate_limit" }, { attempts: 0, lastError: "x" })]);
    const [copy] = await copies(g!, chans);
    expect(copy).toMatchObject({
      attempts: 0,
      nextAttemptAt: T,
      lastError: undefined,
      message: { channel: "email", fallbackFrom: "dingtalk", fallbackPath: ["dingtalk"] },
    });
    expect(copy!.message.heldBy).toBeUndefined();
  });

  it("a merged group is copied as one message, with every id renamed, the restatements left out", async () => {
    const [g] = merge([
      entry("dingtalk", { id: "a" }),
      entry("dingtalk", { id: "r", noFallback: true }),
      entry("dingtalk", { id: "b" }),
    ]);
    const [copy] = await copies(g!, policies({ dingtalk: { fallback: ["email"] }, email: {} }));
    expect(copy!.message).toMatchObject({ id: "a~email", mergedIds: ["a~email", "b~email"] });
  });

  it("a fallback channel that is not configured is skipped", async () => {
    const [g] = merge([entry("dingtalk")]);
    expect(await copies(g!, policies({ dingtalk: { fallback: ["gone"] } }))).toEqual([]);
  });
});
