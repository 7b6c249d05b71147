import { describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../src/config/schema.js";
import { decide, type EngineConfig } from "../../src/engine/decide.js";
import { emptyState, type Action, type State } from "../../src/engine/types.js";
import type { Status } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, MIN, T0 } from "./fixtures.js";

// Clock jumps: the engine gets `now` from the caller; a clock stepped back must not undo what the state remembers.

const check = engineCheck(
  "svc",
  [
    { after: 1, notify: ["email"], restart: false },
    { after: 3, notify: ["email"], restart: true },
  ],
  {
    restart: { command: ["true"], shell: false, timeout: 60_000, verify_after: 0, limit: { max: 1, within: 30 * MIN } },
  },
);
const ch: ChannelConfig = consoleChannel();
const cfg: EngineConfig = { checks: [check], channels: { email: ch } };

function feed(state: State, rows: [Status, number][]) {
  return rows.map(([status, now]) => {
    const d = decide(state, [{ check: "svc", status, summary: status, durationMs: 1 }], now, cfg);
    state = d.state;
    return { actions: d.actions, state };
  });
}
const restarted = (a: Action[]) => a.some((x) => x.type === "restart");
const reasons = (a: Action[]) => a.flatMap((x) => (x.type === "notify" ? x.items.map((i) => i.reason) : []));

describe("clock stepped back", () => {
  it("keeps counting restarts made 'in the future': the restart limit is not reset by the jump", () => {
    // Incident 1: restart at T0+4m (the limit of 1 per 30m is spent), recovery at T0+6m.
    const first = feed(emptyState(), [
      ["critical", T0],
      ["critical", T0 + 2 * MIN],
      ["critical", T0 + 4 * MIN],
      ["ok", T0 + 6 * MIN],
    ]);
    expect(first.map((r) => restarted(r.actions))).toEqual([false, false, true, false]);
    // The clock steps back an hour; incident 2 reaches the restart step about 10 real minutes after the restart.
    const second = feed(first.at(-1)!.state, [
      ["critical", T0 - 52 * MIN],
      ["critical", T0 - 50 * MIN],
      ["critical", T0 - 48 * MIN],
    ]);
    expect(second.map((r) => restarted(r.actions))).toEqual([false, false, false]);
    expect(reasons(second[2]!.actions)).toContain("restart_gave_up");
  });
});

describe("clock stepped back mid-incident", () => {
  it("reminders come repeat_every after the jump, not repeat_every after the clock catches up again", () => {
    const quiet: EngineConfig = {
      checks: [{ ...check, escalation: [{ after: 1, notify: ["email"], restart: false }], restart: undefined }],
      channels: { email: ch },
    };
    let state = emptyState();
    const at = (status: Status, now: number) => {
      const d = decide(state, [{ check: "svc", status, summary: status, durationMs: 1 }], now, quiet);
      state = d.state;
      return reasons(d.actions);
    };
    expect(at("critical", T0)).toEqual(["step"]);
    // Stepped back an hour: runs every 2 minutes from T0 - 60m; the reminder is due 30 minutes later (T0 - 30m).
    const said: string[] = [];
    for (let t = T0 - 60 * MIN; t <= T0 - 30 * MIN; t += 2 * MIN)
      said.push(...at("critical", t).map((r) => `${(t - T0) / MIN}:${r}`));
    expect(said).toEqual(["-30:reminder"]);
  });
});
