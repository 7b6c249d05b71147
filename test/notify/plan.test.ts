import { describe, expect, it } from "vitest";
import type { ChannelState } from "../../src/engine/types.js";
import { admit, planChannel, triage } from "../../src/notify/plan.js";
import { merge } from "../../src/notify/stages/merge.js";
import { entry, MIN, policies, policy, T, warning } from "./stages/cases.js";

const DAY = 24 * 60 * MIN;
const ids = (es: { message: { id: string } }[]) => es.map((e) => e.message.id);

describe("plan: triage of the outbox", () => {
  it("drops the expired, keeps all past the deadline, and sorts the rest into due and waiting by channel", () => {
    const outbox = [
      entry("hook", { id: "old", createdAt: T - DAY - 1 }),
      entry("gone", { id: "orphan" }),
      entry("hook", { id: "due" }),
      entry("hook", { id: "backoff" }, { failedRuns: 1, nextAttemptAt: T + MIN }),
    ];
    const chans = policies({ hook: {} });
    const t = triage(outbox, chans, T, DAY, false);
    expect(t.drops.map((d) => d.entry.message.id)).toEqual(["old", "orphan"]);
    expect(ids(t.due)).toEqual(["due"]);
    expect([...t.waiting].map(([c, es]) => [c, ids(es)])).toEqual([["hook", ["backoff"]]]);
    // The run's deadline has passed: nothing is due, nothing is lost; expired entries are still dropped.
    const late = triage(outbox, chans, T, DAY, true);
    expect(ids(late.keep)).toEqual(["due", "backoff"]);
    expect(late.due).toEqual([]);
    expect(late.drops).toHaveLength(2);
  });
});

describe("plan: one channel's messages", () => {
  const night = Date.parse("2026-11-22T18:30:00Z"); // 02:30 in Shanghai
  const qh = { from: "01:00", to: "07:00", timezone: "Asia/Shanghai", except: "critical" as const };
  it.each([
    // Two alerts and a waiting retry: one message, oldest first.
    { due: ["a", "b"], waiting: ["w"], quiet: false, groups: [["w", "a", "b"]], held: [] },
    // Quiet hours hold the warning; the critical goes and takes the waiting one along.
    { due: ["warn", "crit"], waiting: ["w"], quiet: true, groups: [["w", "crit"]], held: ["warn"] },
    // Only a warning in quiet hours: held, and the waiting one stays waiting.
    { due: ["warn"], waiting: ["w"], quiet: true, groups: [], held: ["warn", "w"] },
  ])("due $due, waiting $waiting, quiet $quiet", ({ due, waiting, quiet, groups, held }) => {
    // "w" waits from a minute before; "warn" is a warning; the others are critical.
    const mk = (id: string) => entry("hook", { id, createdAt: id === "w" ? night - MIN : night, ...(id === "warn" ? { items: [warning()] } : {}) }, { nextAttemptAt: night });
    const p = planChannel(due.map(mk), waiting.map(mk), policy({ quietHours: quiet ? qh : undefined }), night);
    expect(p.groups.map((g) => g.entry.message.mergedIds ?? [g.entry.message.id])).toEqual(groups);
    expect(ids(p.held)).toEqual(held);
  });
});

describe("plan: admit a message at its turn", () => {
  const cs = (over: Partial<ChannelState> = {}): ChannelState => ({ sentAt: [], day: "2026-11-22", dayCount: 0, ...over });
  const chans = policies({ sms: { type: "aliyun-sms", dailyLimit: 2, fallback: ["email"], quietHours: { from: "00:00", to: "00:00", timezone: "UTC" } }, email: { type: "email" } });
  const sms = chans.get("sms")!;
  it.each([
    // Under the cap, no rate limit: sent, with every try it may take.
    { state: cs({ dayCount: 1 }), p: sms, want: "send" },
    // At the cap: dropped; the fallback gets a copy and the other types one notice.
    { state: cs({ dayCount: 2 }), p: sms, want: "drop" },
    // Window full: waits.
    { state: cs({ sentAt: [T - 1000] }), p: policy({ rateLimit: { max: 1, per: MIN } }), want: "hold" },
  ])("$want", ({ state, p, want }) => {
    const [g] = merge([entry("sms", { id: "s" })]);
    const v = admit(g!, state, p, chans, T);
    expect(v.kind).toBe(want);
    if (v.kind === "drop") {
      expect(v.drop.why).toBe('daily_limit of 2 reached for 2026-11-22: not sent through "sms"');
      expect(ids(v.next)).toEqual(["s~email", "sms-daily-limit-2026-11-22~email"]);
      expect(v.cs?.limitNoticeDay).toBe("2026-11-22");
    }
    if (v.kind === "hold") expect(v.until).toBe(T - 1000 + MIN);
  });
});
