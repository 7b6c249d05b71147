import { describe, expect, it } from "vitest";
import { flapStep } from "../../src/engine/flap.js";
import type { CheckState } from "../../src/engine/types.js";
import type { Status } from "../../src/probes/types.js";
import { T0 } from "./fixtures.js";
import { checkRun, incident, said } from "./parts-fixtures.js";

const FLAP = { enabled: true, high: 50, low: 25 };
const FLAPPY = "oxoxoxoxoxoxoxoxoxoxo"; // 20 changes in 21 results: 100%
const STEADY = "xxxxxxxxxxxxxxxxxxxxx"; // 0%

type Case = {
  status: Status;
  recent: string;
  was: string[] | undefined;
  silenced: boolean;
  say: string[];
  flapping: boolean;
};

describe("flapStep: one notice when flapping starts, one when it stops", () => {
  it.each([
    // Starts: the first step's channels and every channel told, those that take the severity (no sms for warning).
    {
      status: "warning",
      recent: FLAPPY,
      was: undefined,
      silenced: false,
      say: ["email:step:0", "dingtalk:step:0"],
      flapping: true,
    },
    {
      status: "critical",
      recent: FLAPPY,
      was: undefined,
      silenced: false,
      say: ["email:step:0", "dingtalk:step:0", "sms:step:0"],
      flapping: true,
    },
    // Stays flapping: quiet.
    { status: "critical", recent: FLAPPY, was: ["email"], silenced: false, say: [], flapping: true },
    // Stops: "stable again" to the channels told when it started.
    { status: "critical", recent: STEADY, was: ["email"], silenced: false, say: ["email:step:0"], flapping: false },
    // Silenced: the state moves, nothing is said.
    { status: "critical", recent: FLAPPY, was: undefined, silenced: true, say: [], flapping: true },
  ] as Case[])("$status, $recent, was told $was: $say", ({ status, recent, was, silenced, say, ...want }) => {
    const inc = incident({ notified: ["dingtalk", "sms"], peak: status === "warning" ? "warning" : "critical" });
    const run = checkRun(status, { recent, incident: inc });
    const before = { ...run.state, ...(was ? { flapping: { since: T0, share: 100, told: was } } : {}) } as CheckState;
    const out = flapStep(run, before, FLAP, silenced);
    expect(said(out.items)).toEqual(say);
    expect(out.flapping !== undefined).toBe(want.flapping);
    for (const { item } of out.items) expect(item.notice).toBe(was ? "stable" : "flapping");
  });
});
