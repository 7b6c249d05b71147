import { describe, expect, it } from "vitest";
import type { CheckConfig, Step } from "../../src/config/schema.js";
import { decide, type EngineConfig } from "../../src/engine/decide.js";
import { flapTransition, outageRuns } from "../../src/engine/flap.js";
import { emptyState, type Action, type State } from "../../src/engine/types.js";
import type { ProbeResult, Status } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, MIN, T0 } from "./fixtures.js";

// Flapping quiets a check that goes up and down; it never hides one that stays down: N failing runs in a row
// (N = the first step's `after`, at least 3) end the episode and the ladder climbs as for an outage.

const FLAP = { enabled: true, high: 50, low: 25 };
const LADDER: Step[] = [
  { after: 1, notify: ["email"], restart: false },
  { after: 3, notify: ["sms"], restart: true },
];
const ch = consoleChannel();
const cfg = (escalation: Step[] = LADDER): EngineConfig => ({
  checks: [engineCheck("svc", escalation)],
  channels: { email: ch, sms: ch, dingtalk: ch },
  flap: FLAP,
});
const res = (status: Status): ProbeResult => ({ check: "svc", status, summary: `svc is ${status}`, durationMs: 1 });

/** runSeq feeds "x" (critical) and "o" (ok) runs, one every 2 minutes from T0. */
function runSeq(seq: string, config: EngineConfig, start: State = emptyState()) {
  let state = start;
  return [...seq].map((c, i) => {
    const d = decide(state, [res(c === "x" ? "critical" : "ok")], T0 + i * 2 * MIN, config);
    state = d.state;
    return d;
  });
}
/** said lists "channel:reason:step[:wasFlapping]" for one run. */
const said = (actions: Action[]) =>
  actions
    .flatMap((a) => (a.type === "notify" ? a.items.map((i) => ({ channel: a.channel, ...i })) : []))
    .map((i) => `${i.channel}:${i.reason}:${i.step}${i.wasFlapping ? ":wasFlapping" : ""}`)
    .sort();
const restarted = (actions: Action[]) => actions.some((a) => a.type === "restart");

/** FLAPS is 12 up/down cycles: flapping from the 12th run on (share above 50%). */
const FLAPS = "xo".repeat(12);

describe("outageRuns: the first step's after, at least 3", () => {
  it.each([
    { first: 1, want: 3 },
    { first: 3, want: 3 },
    { first: 5, want: 5 },
  ])("first step after $first: $want", ({ first, want }) => {
    const check: CheckConfig = engineCheck("svc", [{ after: first, notify: ["email"], restart: false }]);
    expect(outageRuns(check)).toBe(want);
  });
  it("a check with no ladder: 3", () => expect(outageRuns(engineCheck("svc", []))).toBe(3));
});

describe("flapTransition with an outage", () => {
  it.each([
    // Flapping, and down N runs in a row: the episode ends as an outage (whatever the share).
    { was: true, share: 90, down: true, want: "outage" },
    // Not flapping and down: a check that stays down does not start flapping, however high the share still is.
    { was: false, share: 90, down: true, want: undefined },
    // Not down: the hysteresis as before.
    { was: true, share: 90, down: false, want: undefined },
    { was: false, share: 55, down: false, want: "start" },
    { was: true, share: 20, down: false, want: "stop" },
  ])("was=$was share=$share down=$down -> $want", ({ was, share, down, want }) => {
    expect(flapTransition(was, share, FLAP, down)).toBe(want);
  });
});

describe("a flap that turns into an outage", () => {
  it("12 up/down cycles, then down for good: the ladder climbs at the 3rd failing run, with a restart", () => {
    const runs = runSeq(`${FLAPS}${"x".repeat(20)}`, cfg());
    const flapStart = runs.findIndex((d) => d.state.checks.svc!.flapping);
    expect(flapStart).toBeGreaterThan(0);
    expect(flapStart).toBeLessThan(FLAPS.length);
    const down = runs.slice(FLAPS.length);
    // Runs 1 and 2 of the steady failure stay quiet (still flapping); run 3 ends the episode: every step reached
    // speaks (email step 1, sms step 2), each saying the check was flapping, and the restart is made.
    expect(down.map((d) => said(d.actions)).slice(0, 4)).toEqual([
      [],
      [],
      ["email:step:1:wasFlapping", "sms:step:2:wasFlapping"],
      [],
    ]);
    expect(down.map((d) => restarted(d.actions)).slice(0, 4)).toEqual([false, false, true, false]);
    expect(down[1]!.state.checks.svc!.flapping).toBeDefined();
    expect(down[2]!.state.checks.svc!.flapping).toBeUndefined();
    // It stays an outage: no new flapping episode while it is down, and no "stable" notice either.
    expect(down.slice(2).every((d) => !d.state.checks.svc!.flapping)).toBe(true);
    expect(
      down
        .flatMap((d) => d.actions)
        .flatMap((a) => (a.type === "notify" ? a.items : []))
        .some((i) => i.notice),
    ).toBe(false);
    expect(down[2]!.state.checks.svc!.incident?.notified.sort()).toEqual(["email", "sms"]);
  });

  it.each([
    // The first step at 5: the episode ends at the 5th failing run, not before.
    { escalation: [{ after: 5, notify: ["email"], restart: true }], quiet: 4, say: ["email:step:1:wasFlapping"] },
    // Both steps at 1: the episode still ends at 3 at the earliest (a flap has failing runs of 1 and 2).
    {
      escalation: [
        { after: 1, notify: ["email"], restart: false },
        { after: 2, notify: ["sms"], restart: true },
      ],
      quiet: 2,
      say: ["email:step:1:wasFlapping", "sms:step:2:wasFlapping"],
    },
  ])("first step after $escalation.0.after: quiet for $quiet runs, then $say", ({ escalation, quiet, say }) => {
    const runs = runSeq(`${FLAPS}${"x".repeat(8)}`, cfg(escalation)).slice(FLAPS.length);
    expect(runs.slice(0, quiet).every((d) => d.actions.length === 0)).toBe(true);
    expect(said(runs[quiet]!.actions)).toEqual(say);
    expect(restarted(runs[quiet]!.actions)).toBe(true);
  });

  it("a channel told that it flaps, outside the ladder's steps, hears that it is down too", () => {
    // dingtalk was told in the incident open when flapping started; no step names it: it gets the outage once.
    const start = runSeq(FLAPS.slice(0, 10), cfg());
    const last = start.at(-1)!.state;
    const told = { ...last.checks.svc!, flapping: { since: T0, share: 60, told: ["email", "dingtalk"] } };
    const state: State = { ...last, checks: { svc: { ...told, held: "flapping" } } };
    const runs = runSeq("xxx", cfg(), state);
    expect(said(runs[2]!.actions)).toEqual([
      "dingtalk:step:0:wasFlapping",
      "email:step:1:wasFlapping",
      "sms:step:2:wasFlapping",
    ]);
  });
});

describe("an outage after flapping tells each channel once", () => {
  it("steps 1 and 2 both naming email: one item, the highest step", () => {
    const ladder: Step[] = [
      { after: 1, notify: ["email"], restart: false },
      { after: 3, notify: ["email", "sms"], restart: true },
    ];
    const runs = runSeq(`${FLAPS}xxx`, cfg(ladder)).slice(FLAPS.length);
    expect(said(runs[2]!.actions)).toEqual(["email:step:2:wasFlapping", "sms:step:2:wasFlapping"]);
    expect(runs[2]!.state.checks.svc!.incident?.stepsFired).toEqual([0, 1]);
  });
});
