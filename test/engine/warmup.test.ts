import { describe, expect, it } from "vitest";
import type { CheckConfig } from "../../src/config/schema.js";
import { decide, type EngineConfig } from "../../src/engine/decide.js";
import { emptyState, type Action, type CheckState, type State } from "../../src/engine/types.js";
import { holdFor, warmStep } from "../../src/engine/warmup.js";
import type { ProbeResult, Started, Status } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, MIN, T0 } from "./fixtures.js";

const S = 1000;
const check = (over: Partial<CheckConfig> = {}): CheckConfig =>
  engineCheck(
    "tts",
    [
      { after: 1, notify: ["email"], restart: false },
      { after: 3, notify: ["sms"], restart: true },
    ],
    over,
  );
const cfg = (c: CheckConfig = check()): EngineConfig => ({
  checks: [c],
  channels: { email: consoleChannel(), sms: consoleChannel() },
});
const res = (status: Status, started?: Started): ProbeResult => ({
  check: "tts",
  status,
  summary: status,
  durationMs: 1,
  ...(started ? { started } : {}),
});

/** said lists "channel:reason:step" for one run; restarted says whether it restarts. */
const said = (actions: Action[]) =>
  actions.flatMap((a) => (a.type === "notify" ? a.items.map((i) => `${a.channel}:${i.reason}:${i.step}`) : [])).sort();
const restarted = (actions: Action[]) => actions.some((a) => a.type === "restart");

/** up is the state after a passing run that saw the process started an hour before T0. */
const up = (): State => decide(emptyState(), [res("ok", { at: T0 - 60 * MIN, cmd: "abc" })], T0 - 2 * MIN, cfg()).state;

/** runs feeds one result per run at the given times (ms after T0), the state carried from run to run. */
function runs(rows: [at: number, r: ProbeResult][], config = cfg(), start: State = up()) {
  let state = start;
  return rows.map(([at, r]) => {
    const d = decide(state, [r], T0 + at, config);
    state = d.state;
    return { said: said(d.actions), restart: restarted(d.actions), state: d.state.checks.tts!, actions: d.actions };
  });
}

describe("holdFor", () => {
  it.each([
    // Before any measurement: start_grace itself.
    [5 * MIN, undefined, 5 * MIN],
    // A short load gets at least 30 s of margin.
    [5 * MIN, 20 * S, 50 * S],
    // A long one a quarter more.
    [5 * MIN, 2 * MIN, 150 * S],
    // Never more than start_grace.
    [5 * MIN, 10 * MIN, 5 * MIN],
    // 0s turns it off.
    [0, 2 * MIN, 0],
  ])("grace %d, last load %s -> %d", (grace, load, want) => {
    expect(holdFor(grace, load)).toBe(want);
  });
});

describe("warmStep", () => {
  const at = (t: number) => ({ at: T0 + t, cmd: "abc" });
  /** seen is the state of a check that passed, its process started an hour ago. */
  const seen: CheckState = {
    status: "ok",
    since: T0 - 60 * MIN,
    failStreak: 0,
    okStreak: 30,
    lastRunAt: T0 - 2 * MIN,
    summary: "ok",
    recent: "o",
    restartTimes: [],
    incident: undefined,
    warmup: { start: T0 - 60 * MIN, cmd: "abc" },
  };
  it.each<[string, ProbeResult, number, object]>([
    // The process started 10 s ago and the check fails: it is loading.
    ["a fresh start, failing", res("critical", at(-10 * S)), 0, { warming: T0 - 10 * S }],
    // The same start as before: an outage, not a warm-up.
    ["the start seen before", res("critical", at(-60 * MIN)), 0, { warming: undefined }],
    // A start other than the last one seen, but long ago (the restart was missed): not loading any more.
    ["a new start long ago", res("critical", at(-30 * MIN)), 0, { warming: undefined }],
    // Stopped by SIGSTOP: a hang.
    ["a stopped process", res("critical", { ...at(-10 * S), stopped: true }), 0, { warming: undefined }],
    // A start in the future is another clock's.
    ["a start from another clock", res("critical", at(60 * S)), 0, { warming: undefined }],
    // Failing for longer than start_grace, restarted again and again (a crash loop): no longer held.
    ["failing since before the grace", res("critical", at(-10 * S)), -6 * MIN, { warming: undefined }],
    // Passing: nothing to hold.
    ["passing", res("ok", at(-10 * S)), 0, { warming: undefined }],
  ])("%s", (_, r, since, want) => {
    expect(warmStep(seen, r, T0 + since, T0, 5 * MIN)).toMatchObject(want);
  });

  it("the first start ever seen is no restart: a service found failing at install is alerted on", () => {
    expect(warmStep(undefined, res("critical", at(-10 * S)), T0, T0, 5 * MIN)).toMatchObject({ warming: undefined });
  });

  it("with no process to see, the start it waits on counts", () => {
    const held = warmStep(seen, res("critical", at(-5 * S)), T0, T0, 5 * MIN);
    const before: CheckState = { ...seen, status: "critical", held: "warming", warmup: held.warmup! };
    expect(warmStep(before, res("critical"), T0, T0 + 2 * MIN, 5 * MIN)).toMatchObject({ warming: T0 - 5 * S });
  });
});

describe("a restarted service warming up", () => {
  it("is held while it loads, says nothing when it comes up, and measures the load", () => {
    const start = { at: T0 - 20 * S, cmd: "abc" };
    const r = runs([
      [0, res("critical", start)],
      [2 * MIN, res("critical")],
      [4 * MIN, res("ok")],
    ]);
    expect(r.map((x) => x.said)).toEqual([[], [], []]);
    expect(r.map((x) => x.restart)).toEqual([false, false, false]);
    expect(r[0]!.state).toMatchObject({ held: "warming", failStreak: 1 });
    // From the start (20 s before the first run) to the first passing run.
    expect(r[2]!.state.warmup).toEqual({ start: T0 - 20 * S, cmd: "abc", loadMs: 4 * MIN + 20 * S });
    expect(r[2]!.state.incident).toBeUndefined();
  });

  it("the next restart is held for the measured load and a margin, then every step reached speaks", () => {
    const first = runs([
      [0, res("critical", { at: T0, cmd: "abc" })],
      [1 * MIN, res("ok")],
    ]);
    const prev: State = { ...up(), checks: { tts: first[1]!.state } };
    expect(prev.checks.tts!.warmup?.loadMs).toBe(1 * MIN);
    // Restarted at 10m: held for 1m + 30s, so the run at 11m is held, the one at 12m alerts.
    const r = runs(
      [
        [11 * MIN, res("critical", { at: T0 + 10 * MIN, cmd: "abc" })],
        [12 * MIN, res("critical", { at: T0 + 10 * MIN, cmd: "abc" })],
      ],
      cfg(),
      prev,
    );
    expect(r.map((x) => x.said)).toEqual([[], ["email:step:1"]]);
    const item = r[1]!.actions.flatMap((a) => (a.type === "notify" ? a.items : []))[0]!;
    expect(item.notBack).toEqual({ agoMs: 2 * MIN, loadMs: 1 * MIN });
  });

  it("a service that never comes back pages when start_grace is over, and the ladder climbs from there", () => {
    const start = { at: T0, cmd: "abc" };
    const r = runs([0, 2, 4, 6].map((m) => [m * MIN + 10 * S, res("critical", start)]));
    // Runs at 0:10, 2:10 and 4:10 are within the 5m grace; at 6:10 every step the streak reached speaks.
    expect(r.map((x) => x.said)).toEqual([[], [], [], ["email:step:1", "sms:step:2"]]);
    expect(r.map((x) => x.restart)).toEqual([false, false, false, true]);
    const item = r[3]!.actions.flatMap((a) => (a.type === "notify" ? a.items : []))[0]!;
    expect(item.notBack).toEqual({ agoMs: 6 * MIN + 10 * S });
  });

  it("start_grace: 0s holds nothing", () => {
    const r = runs([[10 * S, res("critical", { at: T0, cmd: "abc" })]], cfg(check({ start_grace: 0 })));
    expect(r[0]!.said).toEqual(["email:step:1"]);
    expect(r[0]!.state.held).toBeUndefined();
  });

  it("channels told before the restart still hear the recovery", () => {
    const r = runs([
      [0, res("critical", { at: T0 - 60 * MIN, cmd: "abc" })],
      [2 * MIN, res("critical", { at: T0 + 1 * MIN, cmd: "abc" })],
      [4 * MIN, res("ok")],
    ]);
    expect(r.map((x) => x.said)).toEqual([["email:step:1"], [], ["email:recovered:0"]]);
  });
});
