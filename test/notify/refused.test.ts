import { describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../src/config/schema.js";
import { emptyState, type Message, type OutboxEntry } from "../../src/engine/types.js";
import { silentLogger } from "../../src/logger.js";
import { deliver, enqueue, type DeliverOptions } from "../../src/notify/deliver.js";
import { renderText } from "../../src/notify/render.js";
import type { Channel, SendOutcome } from "../../src/notify/types.js";
import { message } from "./fixtures.js";
import { keepRefused, REFUSED_KEPT } from "../../src/notify/refused.js";
import type { Drop } from "../../src/notify/stages/types.js";

const T = 1_700_000_000_000;
const item = (check: string) =>
  ({
    check,
    reason: "step",
    step: 1,
    severity: "critical",
    status: "critical",
    summary: `${check} down`,
  }) as Message["items"][number];
const drop = (id: string, channel: string, why: string, extra: Partial<Message> = {}): Drop => ({
  entry: {
    message: { id, channel, host: "h", createdAt: T, items: [item(id)], ...extra },
    attempts: 1,
    nextAttemptAt: T,
    lastError: undefined,
  } as OutboxEntry,
  why,
});

describe("keepRefused: what a channel refused for good is kept, bounded, until it carries again", () => {
  it("keeps permanent failures and max_age drops; not notices, a channel gone, or a daily cap", () => {
    const out = keepRefused(
      undefined,
      [
        drop("a", "email", "permanent failure: SMTP authentication failed: 535"),
        drop("b", "email", "not delivered within max_age (9 attempts; last error: ECONNREFUSED)"),
        drop("c", "email", "permanent failure: 535", {
          notice: { type: "daily_limit", channel: "sms", limit: 1, day: "d" },
        }),
        drop("d", "old", 'channel "old" is no longer configured'),
        drop("e", "sms", "daily_limit of 20 reached for 2026-01-01"),
      ],
      new Set(),
    );
    expect(Object.keys(out!)).toEqual(["email"]);
    expect(out!.email!.alerts.map((a) => a.check)).toEqual(["a", "b"]);
    expect(out!.email!.error).toMatch(/^not delivered within max_age/);
  });

  it("keeps the newest REFUSED_KEPT and counts the rest; a channel that carried its list starts afresh", () => {
    const drops = Array.from({ length: REFUSED_KEPT + 5 }, (_, i) => drop(`m${i}`, "email", "permanent failure: 535"));
    const out = keepRefused(undefined, drops, new Set())!;
    expect(out.email!.alerts).toHaveLength(REFUSED_KEPT);
    expect(out.email!.alerts[0]!.check).toBe("m5");
    expect(out.email!.omitted).toBe(5);
    expect(keepRefused(out, [], new Set(["email"]))).toBeUndefined();
    expect(
      keepRefused(out, [drop("n", "email", "permanent failure: 535")], new Set(["email"]))!.email!.alerts,
    ).toHaveLength(1);
  });
});

describe("deliver keeps refused alerts per channel type", () => {
  const cfg = (type: ChannelConfig["type"]): ChannelConfig => ({
    type,
    fallback: [],
    timeout: 1000,
    min_severity: "warning",
  });
  const opts = (now: number): DeliverOptions => ({
    now,
    maxAgeMs: 86_400_000,
    signal: AbortSignal.timeout(10_000),
    sleep: async () => {},
    logger: silentLogger(),
  });
  const refuse: SendOutcome = { ok: false, retryable: false, reason: "auth", error: "refused" };
  function recorder(name: string, type: string, script: SendOutcome[]) {
    const got: Message[] = [];
    const ch: Channel = { name, type, send: async (m) => (got.push(m), script.shift() ?? { ok: true }) };
    return { ch, got };
  }

  it("an email channel names them in its next message; an SMS template cannot, so none are kept for it", async () => {
    const mail = recorder("mail", "email", [refuse]);
    const sms = recorder("sms", "aliyun-sms", [refuse]);
    const channels = new Map([
      ["mail", mail.ch],
      ["sms", sms.ch],
    ]);
    const configs = { mail: cfg("email"), sms: cfg("aliyun-sms") };
    const first = await deliver(
      enqueue(emptyState(), [message("mail"), message("sms")], T),
      channels,
      configs,
      opts(T),
    );
    expect(Object.keys(first.state.refused ?? {})).toEqual(["mail"]);
    const next = { ...message("mail"), id: "m2" };
    const second = await deliver(enqueue(first.state, [next], T + 60_000), channels, configs, opts(T + 60_000));
    expect(mail.got[1]!.lostBefore!.alerts.map((a) => a.id)).toEqual([mail.got[0]!.id]);
    expect(renderText(mail.got[1]!, "en").text).toMatch(
      /Not delivered earlier: channel "mail" refused 1 alert \(refused\)/,
    );
    expect(second.state.refused).toBeUndefined();
  });
});
