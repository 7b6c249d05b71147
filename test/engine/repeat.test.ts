import { describe, expect, it } from "vitest";
import { remind } from "../../src/engine/repeat.js";
import type { Status } from "../../src/probes/types.js";
import { MIN, T0 } from "./fixtures.js";
import { checkRun, incident, said } from "./parts-fixtures.js";

type Case = {
  status: Status;
  fired: number[];
  last: number | undefined;
  min: number;
  now: boolean;
  say: string[];
  restart: boolean;
};

describe("remind: repeat_every to the highest step fired", () => {
  it.each([
    // 30 minutes since the last notice, step 1 fired: a reminder to email. (`now`: a step fired this run.)
    { status: "critical", fired: [0], last: 0, min: 30, now: false, say: ["email:reminder:1"], restart: false },
    // Not yet 30 minutes: nothing.
    { status: "critical", fired: [0], last: 0, min: 29, now: false, say: [], restart: false },
    // A step fired this run: no reminder on top of it.
    { status: "critical", fired: [0], last: 0, min: 30, now: true, say: [], restart: false },
    // At the restart step: sms and dingtalk, and the restart is tried again.
    {
      status: "critical",
      fired: [0, 1],
      last: 0,
      min: 30,
      now: false,
      say: ["sms:reminder:2", "dingtalk:reminder:2"],
      restart: true,
    },
    // A warning skips the critical-only sms.
    { status: "warning", fired: [0, 1], last: 0, min: 30, now: false, say: ["dingtalk:reminder:2"], restart: true },
    // Nothing said yet in this incident (no last notice): nothing to repeat.
    { status: "critical", fired: [0], last: undefined, min: 30, now: false, say: [], restart: false },
  ] as Case[])("$status, steps $fired, $min min: $say", ({ status, fired, last, min, now, say, restart }) => {
    const run = checkRun(status, {}, {}, T0 + min * MIN);
    const at = last === undefined ? undefined : T0 + last;
    const inc = incident({ stepsFired: fired, notified: ["email"], lastNotifiedAt: at });
    const out = remind(run, inc, now);
    expect(said(out.items)).toEqual(say);
    expect(out.wantRestart).toBe(restart);
  });

  it("is off with repeat_every 0", () => {
    const run = checkRun("critical", {}, { repeat_every: 0 }, T0 + 600 * MIN);
    const out = remind(run, incident({ stepsFired: [0], lastNotifiedAt: T0 }), false);
    expect(out.items).toEqual([]);
  });
});
