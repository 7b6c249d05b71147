import { describe, expect, it } from "vitest";
import { keptRestarts, spendRestart } from "../../src/engine/restart-budget.js";
import { MIN, T0 } from "./fixtures.js";
import { checkRun, incident, said } from "./parts-fixtures.js";

const limit = { max: 2, within: 30 * MIN };
const hook = { command: ["true"], shell: false, timeout: 1000, verify_after: 0, limit };

describe("keptRestarts: the restart times inside the limit's window", () => {
  it.each([
    { times: [], restart: hook, want: [] },
    { times: [T0 - 10 * MIN, T0 - 20 * MIN], restart: hook, want: [T0 - 10 * MIN, T0 - 20 * MIN] },
    // Out of the 30-minute window: forgotten.
    { times: [T0 - 30 * MIN, T0 - 5 * MIN], restart: hook, want: [T0 - 5 * MIN] },
    // In the future (the clock was stepped back): counts as made now, so the limit still holds.
    { times: [T0 + 60 * MIN], restart: hook, want: [T0] },
    // No hook: nothing kept.
    { times: [T0 - MIN], restart: undefined, want: [] },
  ])("$times -> $want", ({ times, restart, want }) => {
    expect(keptRestarts(times, T0, restart)).toEqual(want);
  });
});

describe("spendRestart", () => {
  it.each([
    // Under the limit: restart, the time kept and the incident's count raised.
    { times: [], gaveUp: false, restart: true, kept: 1, restarts: 1, say: [] },
    { times: [T0 - MIN], gaveUp: false, restart: true, kept: 2, restarts: 1, say: [] },
    // Spent: one critical "giving up" notice to the top step's channels and every channel told, sms included.
    {
      times: [T0 - 2 * MIN, T0 - MIN],
      gaveUp: false,
      restart: false,
      kept: 2,
      restarts: 0,
      say: ["sms:restart_gave_up:2", "dingtalk:restart_gave_up:2", "email:restart_gave_up:2"],
    },
    // Spent and said: nothing more.
    { times: [T0 - 2 * MIN, T0 - MIN], gaveUp: true, restart: false, kept: 2, restarts: 0, say: [] },
  ])("$times.length restarts made, gave up $gaveUp: restart $restart", ({ times, gaveUp, say, ...want }) => {
    const run = checkRun("warning", { restartTimes: times });
    const inc = incident({ stepsFired: [0, 1], notified: ["email", "dingtalk"], gaveUp });
    const out = spendRestart(run, inc, limit);
    expect(out.restart).toBe(want.restart);
    expect(out.restartTimes).toHaveLength(want.kept);
    expect(out.incident.restarts).toBe(want.restarts);
    expect(said(out.items)).toEqual(say);
    expect(out.items.every(({ item }) => item.severity === "critical")).toBe(true);
    if (say.length) expect(out.incident).toMatchObject({ gaveUp: true, notified: ["email", "dingtalk", "sms"] });
  });
});
