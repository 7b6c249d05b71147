import { describe, expect, it } from "vitest";
import type { ChannelConfig, CheckConfig } from "../../src/config/schema.js";
import { maintenanceSchema, type MaintenanceWindow } from "../../src/config/maintenance.js";
import { decide, type EngineConfig } from "../../src/engine/decide.js";
import { matchGlob } from "../../src/glob.js";
import { activeWindow, nextWindow, windowHold } from "../../src/config/windows.js";
import { emptyState, type Action, type State } from "../../src/engine/types.js";
import type { Status } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, MIN, T0 } from "./fixtures.js";

// T0 is Tuesday 2023-11-14 22:13:20 UTC, i.e. Wednesday 06:13:20 in Shanghai.
const win = (over: Partial<Record<keyof MaintenanceWindow, unknown>> = {}): MaintenanceWindow =>
  maintenanceSchema.parse({
    name: "upgrade",
    checks: ["llm-*"],
    schedule: "10 22 * * 2",
    timezone: "UTC",
    duration: "8m",
    ...over,
  });
const ch: ChannelConfig = consoleChannel();
const check = (name: string): CheckConfig =>
  engineCheck(name, [
    { after: 1, notify: ["email"], restart: false },
    { after: 3, notify: ["sms"], restart: true },
  ]);
const cfg = (windows: MaintenanceWindow[]): EngineConfig => ({
  checks: [check("llm-a"), check("db")],
  channels: { email: ch, sms: ch },
  matchName: matchGlob,
  inMaintenance: windowHold(windows, matchGlob),
});
const said = (actions: Action[]) =>
  actions
    .flatMap((a) => (a.type === "notify" ? a.items.map((i) => `${a.channel}:${i.check}:${i.reason}:${i.step}`) : []))
    .sort();
const restarts = (actions: Action[]) => actions.flatMap((a) => (a.type === "restart" ? [a.check] : []));

/** run feeds one status per run for both checks, every 2 minutes from T0. */
function run(seq: Status[], windows: MaintenanceWindow[]) {
  let state: State = emptyState();
  return seq.map((s, i) => {
    const d = decide(
      state,
      [
        { check: "llm-a", status: s, summary: s, durationMs: 1 },
        { check: "db", status: s, summary: s, durationMs: 1 },
      ],
      T0 + i * 2 * MIN,
      cfg(windows),
    );
    state = d.state;
    return { said: said(d.actions).filter((x) => x.includes("llm-a")), restarts: restarts(d.actions), state };
  });
}

describe("maintenance windows", () => {
  it.each([
    ["a cron expression", {}],
    ["days and a time in a timezone", { schedule: { days: ["wed"], at: "06:10" }, timezone: "Asia/Shanghai" }],
  ])("hold while open, then the whole ladder the streak reached fires (%s)", (_, over) => {
    const runs = run(["critical", "critical", "critical", "critical", "critical"], [win(over)]);
    // 22:13, 22:15, 22:17 are in the window (22:10-22:18): nothing said, nothing restarted, the streak counts.
    expect(runs.slice(0, 3).map((r) => r.said)).toEqual([[], [], []]);
    expect(runs.slice(0, 3).flatMap((r) => r.restarts)).not.toContain("llm-a");
    expect(runs[2]!.state.checks["llm-a"]).toMatchObject({ failStreak: 3, held: "maintenance" });
    // 22:19: the window is over; step 1's notice is not skipped, step 2 speaks and restarts.
    expect(runs[3]!.said).toEqual(["email:llm-a:step:1", "sms:llm-a:step:2"]);
    expect(runs[3]!.restarts).toContain("llm-a");
    expect(runs[4]!.said).toEqual([]);
  });

  it("a check the window does not cover is not held", () => {
    const runs = run(["critical"], [win()]);
    expect(runs[0]!.state.checks["db"]?.held).toBeUndefined();
    expect(runs[0]!.state.checks["llm-a"]?.held).toBe("maintenance");
  });

  it("a failure that ends inside the window says nothing at all", () => {
    const runs = run(["critical", "ok", "ok", "ok"], [win()]);
    expect(runs.map((r) => r.said)).toEqual([[], [], [], []]);
  });

  it("active and next windows", () => {
    const w = [win({ schedule: { days: ["wed"], at: "06:10" }, timezone: "Asia/Shanghai" })];
    expect(activeWindow(w, "llm-a", T0, matchGlob)).toEqual({
      name: "upgrade",
      startsAt: T0 - 200_000,
      endsAt: T0 + 280_000,
    });
    expect(activeWindow(w, "db", T0, matchGlob)).toBeUndefined();
    expect(nextWindow(w, "llm-a", T0, matchGlob)?.startsAt).toBe(T0 - 200_000 + 7 * 24 * 60 * MIN);
  });

  it.each([
    [{ schedule: "61 3 * * *" }, "schedule"],
    [{ timezone: "Mars/Olympus" }, "timezone"],
    [{ duration: "0s" }, "duration"],
    [{ schedule: { days: ["sunday"], at: "03:00" } }, "schedule"],
  ])("bad window %j is refused at %s", (over, key) => {
    const r = maintenanceSchema.safeParse({
      name: "w",
      checks: ["x"],
      schedule: "0 3 * * 0",
      timezone: "UTC",
      duration: "1h",
      ...over,
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path[0]).toBe(key);
  });
});
