import { describe, expect, it } from "vitest";
import { attachRestartOutcomes, record } from "../../src/engine/record.js";
import { emptyState, type Message, type NotifyItem, type RestartOutcome } from "../../src/engine/types.js";
import { T0 } from "./fixtures.js";
import { incident } from "./parts-fixtures.js";

const outcome = (helped: boolean): RestartOutcome => ({
  exitCode: 0, signal: null, timedOut: false, durationMs: 5, outputTail: "", after: helped ? "ok" : "critical", helped,
});
const item = (check: string, over: Partial<NotifyItem> = {}): NotifyItem => ({
  check, reason: "step", step: 2, severity: "critical", status: "critical", summary: "", failStreak: 3, since: T0,
  restarts: 1, restartsHelped: 0, ...over,
});
const message = (items: NotifyItem[]): Message => ({ id: "m", channel: "email", host: "h", createdAt: T0, items });

describe("attachRestartOutcomes: each item that planned a restart gets its outcome", () => {
  it.each([
    { what: "planned and made", items: [item("a", { restartPlanned: true })], restarts: ["a"], want: [true] },
    { what: "not planned (another check's step)", items: [item("b")], restarts: ["a"], want: [false] },
    { what: "planned, no outcome for it", restarts: ["a"], want: [false],
      items: [item("b", { restartPlanned: true })] },
    { what: "two checks in one message", restarts: ["a", "b"], want: [true, true],
      items: [item("a", { restartPlanned: true }), item("b", { restartPlanned: true })] },
  ])("$what", ({ items, restarts, want }) => {
    const given = [message(items)];
    const out = attachRestartOutcomes(given, restarts.map((check) => ({ check, outcome: outcome(check === "a") })));
    expect(out[0]!.items.map((i) => i.restart !== undefined)).toEqual(want);
    for (const i of out[0]!.items) if (i.restart) expect(i.restart.helped).toBe(i.check === "a");
    expect(given[0]!.items.every((i) => i.restart === undefined)).toBe(true); // the messages given are not changed
  });
});

describe("record: a restart that helped counts in the incident", () => {
  it.each([
    { helped: true, want: 1 },
    { helped: false, want: 0 },
  ])("helped $helped -> restartsHelped $want", ({ helped, want }) => {
    const state = emptyState();
    state.checks.a = {
      status: "critical", since: T0, failStreak: 3, okStreak: 0, lastRunAt: T0, summary: "", recent: "xxx",
      restartTimes: [T0], incident: incident(),
    };
    const next = record(state, [{ check: "a", outcome: outcome(helped) }], T0);
    expect(next.checks.a!.incident!.restartsHelped).toBe(want);
  });
});
