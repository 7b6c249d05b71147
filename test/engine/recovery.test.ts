import { describe, expect, it } from "vitest";
import { recover } from "../../src/engine/recovery.js";
import type { HoldReason } from "../../src/engine/types.js";
import { MIN, T0 } from "./fixtures.js";
import { checkRun, incident, said } from "./parts-fixtures.js";

describe("recover: an ok run closes the incident after recover_after", () => {
  it.each([
    // The first ok run with recover_after 1: every channel told hears, the incident closes.
    { okStreak: 1, after: 1, held: undefined, say: ["email:recovered:0", "sms:recovered:0"], closed: true },
    // recover_after 2: the first ok run says nothing and keeps the incident open.
    { okStreak: 1, after: 2, held: undefined, say: [], closed: false },
    { okStreak: 2, after: 2, held: undefined, say: ["email:recovered:0", "sms:recovered:0"], closed: true },
    // Silenced or flapping: closed without a word.
    { okStreak: 1, after: 1, held: "silenced", say: [], closed: true },
    { okStreak: 1, after: 1, held: "flapping", say: [], closed: true },
    // Held because a parent fails: the recovery still goes out.
    { okStreak: 1, after: 1, held: "depends", say: ["email:recovered:0", "sms:recovered:0"], closed: true },
  ] as { okStreak: number; after: number; held: HoldReason | undefined; say: string[]; closed: boolean }[])(
    "ok streak $okStreak, recover_after $after, held $held: $say",
    ({ okStreak, after, held, say, closed }) => {
      const inc = incident({ notified: ["email", "sms"], stepsFired: [0, 1] });
      const run = checkRun("ok", { okStreak, since: T0 + 10 * MIN, incident: inc }, { recover_after: after });
      const out = recover(run, held);
      expect(said(out.items)).toEqual(say);
      expect(out.incident).toBe(closed ? undefined : inc);
    },
  );

  it("says the outage, from the first failing run to the first ok run, at the incident's peak severity", () => {
    const inc = incident({ notified: ["email"], peak: "warning" });
    const out = recover(checkRun("ok", { since: T0 + 10 * MIN, incident: inc }), undefined);
    expect(out.items[0]!.item).toMatchObject({ outageMs: 10 * MIN, severity: "warning", reason: "recovered" });
  });

  it("without an incident, does nothing", () => {
    expect(recover(checkRun("ok"), undefined)).toEqual({ incident: undefined, items: [] });
  });
});
