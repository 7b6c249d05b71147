import { describe, expect, it } from "vitest";
import { triage } from "../../src/notify/triage.js";
import { entry, MIN, policies, T } from "./stages/cases.js";

const DAY = 24 * 60 * MIN;
const ids = (es: { message: { id: string } }[]) => es.map((e) => e.message.id);

describe("triage of the outbox", () => {
  it("drops the expired, keeps all past the deadline, and sorts the rest into due and waiting by channel", () => {
    const outbox = [
      entry("hook", { id: "old", createdAt: T - DAY - 1 }),
      entry("gone", { id: "orphan" }),
      entry("hook", { id: "due" }),
      entry("hook", { id: "backoff" }, { failedRuns: 1, nextAttemptAt: T + MIN }),
    ];
    const chans = policies({ hook: {} });
    const t = triage(outbox, chans, T, DAY, false);
    expect(t.drops.map((d) => d.entry.message.id)).toEqual(["old", "orphan"]);
    expect(ids(t.due)).toEqual(["due"]);
    expect([...t.waiting].map(([c, es]) => [c, ids(es)])).toEqual([["hook", ["backoff"]]]);
    // The run's deadline has passed: nothing is due, nothing is lost; expired entries are still dropped.
    const late = triage(outbox, chans, T, DAY, true);
    expect(ids(late.keep)).toEqual(["due", "backoff"]);
    expect(late.due).toEqual([]);
    expect(late.drops).toHaveLength(2);
  });
});
