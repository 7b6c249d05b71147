import { describe, expect, it } from "vitest";
import { takeAlong } from "../../../src/notify/stages/take-along.js";
import type { OutboxEntry } from "../../../src/engine/types.js";
import type { ChannelPolicy } from "../../../src/notify/stages/types.js";
import { batch, entry, MIN, policy, T, warning } from "./cases.js";

/** along is what the take-along stage makes of what goes and what waits. */
async function along(go: OutboxEntry[], waiting: OutboxEntry[], p: ChannelPolicy, now: number) {
  const b = await takeAlong(batch({ go, waiting, policy: p, now }));
  return { go: b.go, held: b.keep };
}

const night = Date.parse("2026-11-22T18:30:00Z"); // 02:30 in Shanghai
const qh = { from: "01:00", to: "07:00", timezone: "Asia/Shanghai", except: "critical" as const };
const ids = (es: { message: { id: string } }[]) => es.map((e) => e.message.id);

describe("stage take-along: what waits goes with the next message to its channel", () => {
  it.each([
    // Nothing waits: what goes, goes.
    { go: ["new"], waiting: [], wantGo: ["new"], wantHeld: [] },
    // Something goes: the older waiting message joins it, first (a step before the recovery that followed it).
    { go: ["new"], waiting: ["old"], wantGo: ["old", "new"], wantHeld: [] },
    // Nothing goes this run: the waiting message keeps waiting out its backoff.
    { go: [], waiting: ["old"], wantGo: [], wantHeld: ["old"] },
  ])("go $go, waiting $waiting", async ({ go, waiting, wantGo, wantHeld }) => {
    const at = (id: string) => entry("hook", { id, createdAt: id === "old" ? T - 10 * MIN : T });
    const r = await along(go.map(at), waiting.map(at), policy(), T);
    expect(ids(r.go)).toEqual(wantGo);
    expect(ids(r.held)).toEqual(wantHeld);
  });

  it("quiet hours still hold a waiting warning taken along by a critical", async () => {
    const critical = entry("hook", { id: "crit", createdAt: night });
    const old = entry(
      "hook",
      { id: "old", createdAt: night - MIN, items: [warning()] },
      { nextAttemptAt: night + MIN },
    );
    const r = await along([critical], [old], policy({ quietHours: qh }), night);
    expect(ids(r.go)).toEqual(["crit"]);
    expect(r.held[0]).toMatchObject({ message: { id: "old", heldBy: "quiet_hours" } });
  });
});
