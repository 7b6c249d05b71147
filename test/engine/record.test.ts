import { describe, expect, it } from "vitest";
import { attachRestartOutcomes, record, recordDelivered } from "../../src/engine/record.js";
import type { CheckState, Message, NotifyItem, RestartOutcome } from "../../src/engine/types.js";
import { emptyState } from "../../src/engine/types.js";
import { T0 } from "./fixtures.js";
import { failedOnce, incident } from "./parts-fixtures.js";

const outcome = (helped: boolean): RestartOutcome => ({
  exitCode: 0,
  signal: null,
  timedOut: false,
  durationMs: 5,
  outputTail: "",
  after: helped ? "ok" : "critical",
  helped,
});
const item = (check: string, over: Partial<NotifyItem> = {}): NotifyItem => ({
  check,
  reason: "step",
  step: 2,
  severity: "critical",
  status: "critical",
  summary: "",
  failStreak: 3,
  since: T0,
  restarts: 1,
  restartsHelped: 0,
  ...over,
});
const message = (items: NotifyItem[]): Message => ({ id: "m", channel: "email", host: "h", createdAt: T0, items });

describe("attachRestartOutcomes: each item that planned a restart gets its outcome", () => {
  it.each([
    { what: "planned and made", items: [item("a", { restartPlanned: true })], restarts: ["a"], want: [true] },
    { what: "not planned (another check's step)", items: [item("b")], restarts: ["a"], want: [false] },
    {
      what: "planned, no outcome for it",
      restarts: ["a"],
      want: [false],
      items: [item("b", { restartPlanned: true })],
    },
    {
      what: "two checks in one message",
      restarts: ["a", "b"],
      want: [true, true],
      items: [item("a", { restartPlanned: true }), item("b", { restartPlanned: true })],
    },
  ])("$what", ({ items, restarts, want }) => {
    const given = [message(items)];
    const out = attachRestartOutcomes(
      given,
      restarts.map((check) => ({ check, outcome: outcome(check === "a") })),
    );
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
      status: "critical",
      since: T0,
      failStreak: 3,
      okStreak: 0,
      lastRunAt: T0,
      summary: "",
      recent: "xxx",
      restartTimes: [T0],
      incident: incident(),
    };
    const next = record(state, [{ check: "a", outcome: outcome(helped) }], T0);
    expect(next.checks.a!.incident!.restartsHelped).toBe(want);
  });
});

describe("recordDelivered: an incident counts as told only by a channel that accepted a message about it", () => {
  const failing = (over = {}): CheckState =>
    failedOnce({ incident: incident({ notified: ["email", "sms"], ...over }) });
  it.each([
    // Accepted: told, and when.
    { what: "accepted", got: [{ channel: "email", check: "svc", since: T0 }], told: ["email"], at: T0 + 5 },
    // Nothing accepted: not told (the ladder's `notified` is only who was addressed).
    { what: "nothing accepted", got: [], told: undefined, at: undefined },
    // An item about an earlier incident of the same check (a late message): not this incident's.
    {
      what: "an earlier incident",
      got: [{ channel: "email", check: "svc", since: T0 - 60_000 }],
      told: undefined,
      at: undefined,
    },
    // Another check: not this one.
    { what: "another check", got: [{ channel: "email", check: "api", since: T0 }], told: undefined, at: undefined },
    // Twice through one channel: listed once.
    {
      what: "twice",
      got: [
        { channel: "sms", check: "svc", since: T0 },
        { channel: "sms", check: "svc", since: T0 },
      ],
      told: ["sms"],
      at: T0 + 5,
    },
  ])("$what", ({ got, told, at }) => {
    const state = { ...emptyState(), checks: { svc: failing() } };
    const inc = recordDelivered(state, got, T0 + 5).checks.svc!.incident!;
    expect(inc.delivered).toEqual(told);
    expect(inc.lastSentAt).toEqual(at);
    expect(inc.notified).toEqual(["email", "sms"]);
  });
  it("adds to the channels told before", () => {
    const state = { ...emptyState(), checks: { svc: failing({ delivered: ["sms"], lastSentAt: T0 }) } };
    const inc = recordDelivered(state, [{ channel: "email", check: "svc", since: T0 }], T0 + 9).checks.svc!.incident!;
    expect(inc).toMatchObject({ delivered: ["sms", "email"], lastSentAt: T0 + 9 });
  });
});
