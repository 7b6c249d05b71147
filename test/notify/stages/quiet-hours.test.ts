import { describe, expect, it } from "vitest";
import type { OutboxEntry } from "../../../src/engine/types.js";
import type { QuietHours } from "../../../src/notify/policy.js";
import type { ChannelPolicy } from "../../../src/notify/stages/types.js";
import { quietHours } from "../../../src/notify/stages/quiet-hours.js";
import { batch, entry, policy, warning } from "./cases.js";
import { item } from "../fixtures.js";

const night = Date.parse("2026-11-22T18:30:00Z"); // 02:30 in Shanghai
const day = Date.parse("2026-11-22T04:00:00Z"); // 12:00 in Shanghai
const windowEnd = Date.parse("2026-11-22T23:00:00Z"); // 07:00 in Shanghai
/** split is what the quiet-hours stage lets go and holds of the entries that go. */
async function split(go: OutboxEntry[], p: ChannelPolicy, now: number) {
  const b = await quietHours(batch({ go, policy: p, now }));
  return { go: b.go, held: b.keep };
}
const qh = (except: QuietHours["except"]): QuietHours => ({
  from: "01:00",
  to: "07:00",
  timezone: "Asia/Shanghai",
  except,
});

describe("stage quiet hours: hold until the window ends", () => {
  it.each([
    // No quiet hours: everything goes.
    { now: night, q: undefined, severity: "warning", held: false },
    // Outside the window: everything goes.
    { now: day, q: qh("critical"), severity: "warning", held: false },
    // In the window, except critical: a warning is held until 07:00.
    { now: night, q: qh("critical"), severity: "warning", held: true },
    // In the window, except critical: a critical goes.
    { now: night, q: qh("critical"), severity: "critical", held: false },
    // except warning: a warning goes too.
    { now: night, q: qh("warning"), severity: "warning", held: false },
    // except none: even a critical is held.
    { now: night, q: qh("none"), severity: "critical", held: true },
  ] as { now: number; q: QuietHours | undefined; severity: string; held: boolean }[])(
    "$severity at $now with $q.except",
    async ({ now, q, severity, held }) => {
      const e = entry("dingtalk", { items: [severity === "warning" ? warning() : item()] });
      const r = await split([e], policy({ quietHours: q }), now);
      expect(r.held.length).toBe(held ? 1 : 0);
      expect(r.go.length).toBe(held ? 0 : 1);
      if (held) expect(r.held[0]).toMatchObject({ nextAttemptAt: windowEnd, message: { heldBy: "quiet_hours" } });
    },
  );

  it("keeps the order of what goes", async () => {
    const es = ["a", "b", "c"].map((id) => entry("dingtalk", { id }));
    expect((await split(es, policy(), night)).go.map((e) => e.message.id)).toEqual(["a", "b", "c"]);
  });
});
