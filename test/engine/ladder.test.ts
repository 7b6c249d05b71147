import { describe, expect, it } from "vitest";
import { climbLadder, stepReached } from "../../src/engine/ladder.js";
import type { Status } from "../../src/probes/types.js";
import { checkRun, incident, said } from "./parts-fixtures.js";

describe("stepReached: by streak, or by failures within the last runs", () => {
  it.each([
    { step: { after: 3 }, streak: 2, recent: "xx", want: false },
    { step: { after: 3 }, streak: 3, recent: "xxx", want: true },
    { step: { after: 3 }, streak: 4, recent: "xxxx", want: true },
    // within: 3 failures among the last 5 runs, the streak broken in between.
    { step: { after: 3, within: 5 }, streak: 1, recent: "oxoxx", want: true },
    { step: { after: 3, within: 5 }, streak: 1, recent: "xoxoox", want: false },
  ])("$step with streak $streak and recent $recent: $want", ({ step, streak, recent, want }) => {
    expect(stepReached({ ...step, notify: [], restart: false }, streak, recent)).toBe(want);
  });
});

describe("climbLadder", () => {
  it.each([
    // First failure: step 1 speaks.
    { status: "critical", streak: 1, fired: [], resume: false, say: ["email:step:1"], steps: [0], restart: false },
    // Streak 2: nothing new.
    { status: "critical", streak: 2, fired: [0], resume: false, say: [], steps: [0], restart: false },
    // Streak 3: step 2 speaks and asks for a restart.
    {
      status: "critical",
      streak: 3,
      fired: [0],
      resume: false,
      say: ["sms:step:2", "dingtalk:step:2"],
      steps: [0, 1],
      restart: true,
    },
    // A warning skips the critical-only sms: it is held in the incident.
    {
      status: "warning",
      streak: 3,
      fired: [0],
      resume: false,
      say: ["dingtalk:step:2"],
      steps: [0, 1],
      restart: true,
      held: [{ channel: "sms", step: 2 }],
    },
    // Resuming after a hold with both steps reached: only the highest speaks; both count as fired.
    {
      status: "critical",
      streak: 3,
      fired: [],
      resume: true,
      say: ["sms:step:2", "dingtalk:step:2"],
      steps: [0, 1],
      restart: true,
    },
  ] as {
    status: Status;
    streak: number;
    fired: number[];
    resume: boolean;
    say: string[];
    steps: number[];
    restart: boolean;
    held?: { channel: string; step: number }[];
  }[])(
    "$status, streak $streak, fired $fired, resume $resume: $say",
    ({ status, streak, fired, resume, say, steps, restart, held = [] }) => {
      const run = checkRun(status, { failStreak: streak, recent: "x".repeat(streak) });
      const inc = incident({ stepsFired: fired, notified: fired.length ? ["email"] : [] });
      const out = climbLadder(run, inc, resume);
      expect(said(out.items)).toEqual(say);
      expect(out.incident.stepsFired).toEqual(steps);
      expect(out.incident.held).toEqual(held);
      expect(out.wantRestart).toBe(restart);
      expect(out.fired).toBe(steps.length > fired.length);
      expect(inc.stepsFired).toEqual(fired); // the incident given is not changed
    },
  );

  it("tells held channels once the incident turns critical, and adds them to the channels told", () => {
    const run = checkRun("critical", { failStreak: 4, recent: "xxxx" });
    const inc = incident({ stepsFired: [0, 1], notified: ["email", "dingtalk"], held: [{ channel: "sms", step: 2 }] });
    const out = climbLadder(run, inc, false);
    expect(said(out.items)).toEqual(["sms:step:2"]);
    expect(out.incident.held).toEqual([]);
    expect(out.incident.notified).toEqual(["email", "dingtalk", "sms"]);
    expect(out.fired).toBe(true);
  });
});
