import { describe, expect, it } from "vitest";
import type { ChannelHealth, DroppedEntry, Message, OutboxEntry } from "../../src/engine/types.js";
import { failingNotices, rerouteAroundFailing, updateChannelHealth } from "../../src/notify/channel-health.js";
import type { Attempt } from "../../src/notify/deliver.js";

const T = 1_700_000_000_000;
const CH = ["email", "sms", "chat"];
const attempt = (channel: string, ok: boolean, retryable = false, reason = "auth"): Attempt => ({
  id: `m-${channel}`,
  channel,
  checks: ["llm"],
  ok,
  tries: 1,
  outcome: ok ? { ok: true } : { ok: false, retryable, reason: reason as "auth", error: "535 bad creds" },
});
const entry = (channel: string, failedRuns: number): OutboxEntry => ({
  message: { id: "x", channel, host: "h", createdAt: T, items: [] },
  attempts: 3,
  failedRuns,
  nextAttemptAt: T,
  lastError: "ECONNREFUSED",
});
const dropped = (channel: string, why: string): DroppedEntry => ({
  id: "d",
  channel,
  createdAt: T,
  droppedAt: T,
  why,
  checks: ["llm"],
});
const open: ChannelHealth = {
  since: T - 60_000,
  problem: "refuses the credentials",
  error: "535",
  told: ["sms", "chat"],
};

describe("updateChannelHealth: when a channel's failing episode opens and closes", () => {
  it.each([
    // A permanent failure (refused credentials) opens an episode at once.
    { prev: {}, run: { attempts: [attempt("email", false)] }, opened: ["email"], failing: ["email"] },
    // A retryable failure does not, until a message has waited through 3 failed runs.
    {
      prev: {},
      run: { attempts: [attempt("email", false, true, "network")], outbox: [entry("email", 2)] },
      opened: [],
      failing: [],
    },
    {
      prev: {},
      run: { attempts: [attempt("email", false, true, "network")], outbox: [entry("email", 3)] },
      opened: ["email"],
      failing: ["email"],
    },
    // A message dropped past max_age opens one; a daily SMS cap does not (it has its own notice).
    {
      prev: {},
      run: { dropped: [dropped("email", "not delivered within max_age (9 attempts)")] },
      opened: ["email"],
      failing: ["email"],
    },
    {
      prev: {},
      run: { dropped: [dropped("sms", "daily_limit of 20 reached for 2026-01-01")] },
      opened: [],
      failing: [],
    },
    // Once open, the same failure says nothing new (once per episode).
    { prev: { email: open }, run: { attempts: [attempt("email", false)] }, opened: [], failing: ["email"] },
    // A delivered send closes it.
    { prev: { email: open }, run: { attempts: [attempt("email", true)] }, opened: [], failing: [] },
    // A channel no longer configured is forgotten.
    { prev: { gone: open }, run: {}, opened: [], failing: [] },
  ])("%#", ({ prev, run, opened, failing }) => {
    const c = updateChannelHealth(
      prev as Record<string, ChannelHealth>,
      { attempts: [], dropped: [], outbox: [], ...run },
      CH,
      T,
    );
    expect(c.opened).toEqual(opened);
    expect(Object.keys(c.health)).toEqual(failing);
  });
});

describe("failingNotices and rerouteAroundFailing", () => {
  /** stepAt is the bare item of ladder step 1 for `check` at `severity`: all these functions read of it. */
  const stepAt = (check: string, severity: string) =>
    ({ check, reason: "step", step: 1, severity, status: severity }) as unknown as Message["items"][number];
  it("tells every other healthy channel once, with the lost alerts except to the channel's own fallbacks", () => {
    const change = updateChannelHealth(
      { chat: open },
      { attempts: [attempt("email", false)], dropped: [], outbox: [] },
      CH,
      T,
    );
    const item = stepAt("llm", "critical");
    const notices = failingNotices(change, CH, "box", T, new Map([["email", [item]]]), (c) =>
      c === "email" ? ["sms"] : [],
    );
    expect(notices.map((n) => [n.channel, n.items.length, n.notice?.type])).toEqual([["sms", 0, "channel_failing"]]);
    expect(change.health.email!.told).toEqual(["sms"]);
  });

  it("while a channel fails, its new alerts go to the channels told too (min_severity kept)", () => {
    const warn = stepAt("disk", "warning");
    const crit = { ...warn, check: "llm", severity: "critical", status: "critical" } as Message["items"][number];
    const out = rerouteAroundFailing(
      [{ id: "m1", channel: "email", host: "h", createdAt: T, items: [warn, crit] }],
      { email: open },
      (c) => (c === "sms" ? "critical" : "warning"),
    );
    expect(out.map((m) => [m.channel, m.items.map((i) => i.check), m.fallbackFrom])).toEqual([
      ["email", ["disk", "llm"], undefined],
      ["sms", ["llm"], "email"],
      ["chat", ["disk", "llm"], "email"],
    ]);
  });
});
