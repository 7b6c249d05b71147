import { describe, expect, it } from "vitest";
import type { ChannelState, OutboxEntry } from "../../src/engine/types.js";
import { runStages } from "../../src/notify/pipeline.js";
import { dailyCap } from "../../src/notify/stages/daily-cap.js";
import { dailyLimitNotice } from "../../src/notify/stages/daily-limit-notice.js";
import { fallback } from "../../src/notify/stages/fallback.js";
import { merge, mergeEntries } from "../../src/notify/stages/merge.js";
import { quietHours } from "../../src/notify/stages/quiet-hours.js";
import { rateLimit } from "../../src/notify/stages/rate-limit.js";
import { takeAlong } from "../../src/notify/stages/take-along.js";
import type { ChannelPolicy, Group, Policies } from "../../src/notify/stages/types.js";
import { batch, entry, MIN, policies, policy, T, turn, warning } from "./stages/cases.js";

/** planChannel is the pipeline's stages before the first message's turn: quiet hours, take-along, merge. */
async function planChannel(due: OutboxEntry[], waiting: OutboxEntry[], p: ChannelPolicy, now: number) {
  const b = await runStages([quietHours, takeAlong, merge], batch({ go: due, waiting, policy: p, now }));
  return { groups: b.groups, held: b.keep };
}

/** admit is the stages that settle a message before its send: the daily cap (and what a drop asks), the rate limit. */
async function admit(g: Group, state: ChannelState, p: ChannelPolicy, chans: Policies, now: number) {
  const b0 = batch({ channel: "sms", cs: state, policy: p, policies: chans, now, turn: turn(g) });
  const b = await runStages([dailyCap, rateLimit, fallback, dailyLimitNotice], b0);
  if (b.turn!.open) return { kind: "send" as const, slots: b.turn!.slots };
  if (b.drops.length) return { kind: "drop" as const, drop: b.drops[0]!, next: b.next, cs: b.cs };
  return { kind: "hold" as const, keep: b.keep, until: b.keep[0]!.nextAttemptAt };
}

const ids = (es: { message: { id: string } }[]) => es.map((e) => e.message.id);

describe("pipeline: one channel's messages", () => {
  const night = Date.parse("2026-11-22T18:30:00Z"); // 02:30 in Shanghai
  const qh = { from: "01:00", to: "07:00", timezone: "Asia/Shanghai", except: "critical" as const };
  it.each([
    // Two alerts and a waiting retry: one message, oldest first.
    { due: ["a", "b"], waiting: ["w"], quiet: false, groups: [["w", "a", "b"]], held: [] },
    // Quiet hours hold the warning; the critical goes and takes the waiting one along.
    { due: ["warn", "crit"], waiting: ["w"], quiet: true, groups: [["w", "crit"]], held: ["warn"] },
    // Only a warning in quiet hours: held, and the waiting one stays waiting.
    { due: ["warn"], waiting: ["w"], quiet: true, groups: [], held: ["warn", "w"] },
  ])("due $due, waiting $waiting, quiet $quiet", async ({ due, waiting, quiet, groups, held }) => {
    // "w" waits from a minute before; "warn" is a warning; the others are critical.
    const mk = (id: string) =>
      entry(
        "hook",
        { id, createdAt: id === "w" ? night - MIN : night, ...(id === "warn" ? { items: [warning()] } : {}) },
        { nextAttemptAt: night },
      );
    const p = await planChannel(due.map(mk), waiting.map(mk), policy({ quietHours: quiet ? qh : undefined }), night);
    expect(p.groups.map((g) => g.entry.message.mergedIds ?? [g.entry.message.id])).toEqual(groups);
    expect(ids(p.held)).toEqual(held);
  });
});

describe("pipeline: a message at its turn", () => {
  const cs = (over: Partial<ChannelState> = {}): ChannelState => ({
    sentAt: [],
    day: "2026-11-22",
    dayCount: 0,
    ...over,
  });
  const chans = policies({
    sms: {
      type: "aliyun-sms",
      dailyLimit: 2,
      fallback: ["email"],
      quietHours: { from: "00:00", to: "00:00", timezone: "UTC" },
    },
    email: { type: "email" },
  });
  const sms = chans.get("sms")!;
  it.each([
    // Under the cap, no rate limit: sent, with every try it may take.
    { state: cs({ dayCount: 1 }), p: sms, want: "send" },
    // At the cap: dropped; the fallback gets a copy and the other types one notice.
    { state: cs({ dayCount: 2 }), p: sms, want: "drop" },
    // Window full: waits.
    { state: cs({ sentAt: [T - 1000] }), p: policy({ rateLimit: { max: 1, per: MIN } }), want: "hold" },
  ])("$want", async ({ state, p, want }) => {
    const [g] = mergeEntries([entry("sms", { id: "s" })]);
    const v = await admit(g!, state, p, chans, T);
    expect(v.kind).toBe(want);
    if (v.kind === "drop") {
      expect(v.drop.why).toBe('daily_limit of 2 reached for 2026-11-22: not sent through "sms"');
      expect(ids(v.next)).toEqual(["s~email", "sms-daily-limit-2026-11-22~email"]);
      expect(v.cs?.limitNoticeDay).toBe("2026-11-22");
    }
    if (v.kind === "hold") expect(v.until).toBe(T - 1000 + MIN);
  });
});
