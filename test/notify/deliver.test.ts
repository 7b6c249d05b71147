import { describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../src/config/schema.js";
import { emptyState, type Message, type State } from "../../src/engine/types.js";
import { silentLogger } from "../../src/logger.js";
import { deliver, enqueue, type DeliverOptions } from "../../src/notify/deliver.js";
import { createRedactor } from "../../src/notify/redact.js";
import { renderText } from "../../src/notify/render.js";
import type { Channel, SendOutcome } from "../../src/notify/types.js";
import { item, message, refusedFor, retryable } from "./fixtures.js";

/** recorder is a Channel (a test double of the interface) that answers from a script and keeps what it got. */
function recorder(name: string, type: string, script: SendOutcome[] = []) {
  const got: Message[] = [];
  const ch: Channel = {
    name,
    type,
    async send(m) {
      got.push(m);
      return script.shift() ?? { ok: true };
    },
  };
  return { ch, got };
}

const cfg = (type: ChannelConfig["type"], over: Partial<ChannelConfig> = {}): ChannelConfig => ({
  type,
  fallback: [],
  timeout: 1000,
  min_severity: "warning",
  ...over,
});
const at = (iso: string) => Date.parse(iso);
const opts = (now: number, over: Partial<DeliverOptions> = {}): DeliverOptions => ({
  now,
  maxAgeMs: 24 * 3_600_000,
  signal: AbortSignal.timeout(10_000),
  sleep: async () => {},
  logger: silentLogger(),
  ...over,
});
const permanent = refusedFor("DingTalk errcode 310000 sign not match");
const T = at("2026-11-22T10:00:00Z");

function withOutbox(messages: Message[], now = T, base: State = emptyState()): State {
  return enqueue(base, messages, now);
}

/** dingtalkToEmail is a DingTalk channel answering from `script` whose fallback is an email channel that accepts. */
function dingtalkToEmail(script: SendOutcome[]) {
  const dt = recorder("dingtalk", "dingtalk", script);
  const mail = recorder("email", "email");
  const chans = new Map([
    ["dingtalk", dt.ch],
    ["email", mail.ch],
  ]);
  const cfgs = { dingtalk: cfg("dingtalk", { fallback: ["email"] }), email: cfg("email") };
  return { dt, mail, chans, cfgs };
}

describe("deliver: retry, fallback, outbox", () => {
  it("retryable: 3 tries in the run, then kept with backoff; the fallback gets a marked copy now", async () => {
    const { dt, mail, chans, cfgs } = dingtalkToEmail([retryable, retryable, retryable]);
    const { state, attempts } = await deliver(withOutbox([message("dingtalk")]), chans, cfgs, opts(T));
    expect(dt.got).toHaveLength(3);
    expect(state.outbox).toHaveLength(1);
    expect(state.outbox[0]).toMatchObject({ attempts: 3, nextAttemptAt: T + 60_000, lastError: "HTTP 500" });
    expect(mail.got).toHaveLength(1);
    expect(mail.got[0]).toMatchObject({ id: "mwt1abc-dingtalk~email", fallbackFrom: "dingtalk" });
    expect(renderText(mail.got[0]!, "en").text).toContain(
      '(sent here because channel "dingtalk" could not deliver it)',
    );
    expect(attempts.map((a) => [a.channel, a.ok])).toEqual([
      ["dingtalk", false],
      ["email", true],
    ]);
  });

  it("permanent: one try, dropped with its reason (visible), the fallback still gets it", async () => {
    const { dt, mail, chans, cfgs } = dingtalkToEmail([permanent]);
    const { state } = await deliver(withOutbox([message("dingtalk")]), chans, cfgs, opts(T));
    expect(dt.got).toHaveLength(1);
    expect(state.outbox).toHaveLength(0);
    expect(state.droppedTotal).toBe(1);
    expect(state.dropped[0]).toMatchObject({
      id: "mwt1abc-dingtalk",
      why: "permanent failure: DingTalk errcode 310000 sign not match (check `secret`)",
    });
    expect(mail.got).toHaveLength(1);
  });

  it("a later retry of the same message does not copy it to the fallback again", async () => {
    const { mail, chans, cfgs } = dingtalkToEmail([retryable, retryable, retryable, retryable, retryable, retryable]);
    const first = await deliver(withOutbox([message("dingtalk")]), chans, cfgs, opts(T));
    await deliver(first.state, chans, cfgs, opts(T + 60_000));
    expect(mail.got).toHaveLength(1);
  });

  it("past max_age a message is dropped and recorded, never silently", async () => {
    const dt = recorder("dingtalk", "dingtalk");
    const { state } = await deliver(
      withOutbox([message("dingtalk")]),
      new Map([["dingtalk", dt.ch]]),
      { dingtalk: cfg("dingtalk") },
      opts(T + 25 * 3_600_000),
    );
    expect(dt.got).toHaveLength(0);
    expect(state.dropped[0]!.why).toMatch(/max_age/);
  });
});

describe("deliver: rate limit across runs", () => {
  it("over 20/min (DingTalk's default) a message waits in the outbox, then goes out merged with the next", async () => {
    const dt = recorder("dingtalk", "dingtalk");
    const chans = new Map([["dingtalk", dt.ch]]);
    const cfgs = { dingtalk: cfg("dingtalk") };
    // 20 sends in the last 30 s, remembered in the state file.
    const base: State = {
      ...emptyState(),
      channels: {
        dingtalk: { sentAt: Array.from({ length: 20 }, (_, i) => T - 30_000 + i * 1000), day: undefined, dayCount: 0 },
      },
    };
    const r1 = await deliver(
      withOutbox([message("dingtalk", [item({ check: "a" })], { id: "m1" })], T, base),
      chans,
      cfgs,
      opts(T),
    );
    expect(dt.got).toHaveLength(0);
    expect(r1.state.outbox[0]).toMatchObject({ nextAttemptAt: T + 30_000, message: { heldBy: "rate_limit" } });
    const r2state = enqueue(
      r1.state,
      [message("dingtalk", [item({ check: "b" })], { id: "m2", createdAt: T + 40_000 })],
      T + 40_000,
    );
    const r2 = await deliver(r2state, chans, cfgs, opts(T + 40_000));
    expect(dt.got).toHaveLength(1);
    expect(dt.got[0]!.mergedIds).toEqual(["m1", "m2"]);
    expect(dt.got[0]!.items.map((i) => i.check)).toEqual(["a", "b"]);
    expect(r2.attempts[0]!.ids).toEqual(["m1", "m2"]);
    expect(r2.state.outbox).toHaveLength(0);
    // the 9 still inside the window (after T - 20 s) + this one
    expect(r2.state.channels.dingtalk!.sentAt).toHaveLength(10);
  });

  it("rate_limit: {max, per} works on any channel", async () => {
    const hook = recorder("hook", "webhook");
    const cfgs = { hook: cfg("webhook", { rate_limit: { max: 1, per: 300_000 } }) };
    const r1 = await deliver(
      withOutbox([message("hook", undefined, { id: "m1" })]),
      new Map([["hook", hook.ch]]),
      cfgs,
      opts(T),
    );
    const r2 = await deliver(
      enqueue(r1.state, [message("hook", undefined, { id: "m2" })], T + 120_000),
      new Map([["hook", hook.ch]]),
      cfgs,
      opts(T + 120_000),
    );
    expect(hook.got).toHaveLength(1);
    expect(r2.state.outbox[0]!.nextAttemptAt).toBe(T + 300_000);
  });
});

describe("deliver: quiet hours", () => {
  const night = at("2026-11-22T18:30:00Z"); // 02:30 in Shanghai
  const qh = { from: "01:00", to: "07:00", timezone: "Asia/Shanghai", except: "critical" as const };
  it(
    "holds warnings, lets critical through, " + "and delivers what it held as one digest when the window ends",
    async () => {
      const dt = recorder("dingtalk", "dingtalk");
      const chans = new Map([["dingtalk", dt.ch]]);
      const cfgs = { dingtalk: cfg("dingtalk", { quiet_hours: qh }) };
      const w1 = message("dingtalk", [item({ check: "disk", severity: "warning", status: "warning" })], {
        id: "w1",
        createdAt: night,
      });
      const w2 = message("dingtalk", [item({ check: "gpu", severity: "warning", status: "warning" })], {
        id: "w2",
        createdAt: night + 600_000,
      });
      const c1 = message("dingtalk", [item({ check: "tts" })], { id: "c1", createdAt: night });
      const r1 = await deliver(withOutbox([w1, c1], night), chans, cfgs, opts(night));
      expect(dt.got.map((m) => m.id)).toEqual(["c1"]);
      const r2 = await deliver(enqueue(r1.state, [w2], night + 600_000), chans, cfgs, opts(night + 600_000));
      expect(dt.got).toHaveLength(1);
      expect(r2.state.outbox.map((e) => e.nextAttemptAt)).toEqual([
        at("2026-11-22T23:00:00Z"),
        at("2026-11-22T23:00:00Z"),
      ]);
      // 07:02 in Shanghai: the next cron run after the window.
      const r3 = await deliver(r2.state, chans, cfgs, opts(at("2026-11-22T23:02:00Z")));
      expect(dt.got).toHaveLength(2);
      expect(dt.got[1]!.mergedIds).toEqual(["w1", "w2"]);
      expect(renderText(dt.got[1]!, "en").text).toContain("Held during quiet hours: 2 messages in one digest.");
      expect(r3.state.outbox).toHaveLength(0);
    },
  );
});

describe("deliver: SMS daily cap", () => {
  it(
    "past daily_limit: no SMS, " +
      "the message is dropped (recorded) and ONE notice goes to the other channels that day",
    async () => {
      const sms = recorder("sms", "aliyun-sms");
      const dt = recorder("dingtalk", "dingtalk");
      const mail = recorder("email", "email");
      const chans = new Map([
        ["sms", sms.ch],
        ["dingtalk", dt.ch],
        ["email", mail.ch],
      ]);
      const cfgs = {
        sms: cfg("aliyun-sms", {
          daily_limit: 2,
          quiet_hours: { from: "00:00", to: "00:00", timezone: "UTC", except: "critical" },
        }),
        dingtalk: cfg("dingtalk"),
        email: cfg("email"),
      };
      let state = emptyState();
      for (let i = 1; i <= 4; i++) {
        const now = T + i * 120_000;
        state = (
          await deliver(
            enqueue(state, [message("sms", undefined, { id: `s${i}`, createdAt: now })], now),
            chans,
            cfgs,
            opts(now),
          )
        ).state;
      }
      expect(sms.got.map((m) => m.id)).toEqual(["s1", "s2"]);
      expect(state.channels.sms).toMatchObject({ day: "2026-11-22", dayCount: 2, limitNoticeDay: "2026-11-22" });
      expect(state.dropped.map((d) => d.id)).toEqual(["s3", "s4"]);
      expect(state.dropped[0]!.why).toMatch(/daily_limit of 2 reached for 2026-11-22/);
      expect(dt.got).toHaveLength(1);
      expect(mail.got).toHaveLength(1);
      expect(renderText(dt.got[0]!, "en").subject).toBe("[watchdog] SMS daily limit reached on gpu-box-01 (sms)");
      // The next day SMS flows again.
      const tomorrow = at("2026-11-23T08:00:00Z");
      state = (
        await deliver(
          enqueue(state, [message("sms", undefined, { id: "s5", createdAt: tomorrow })], tomorrow),
          chans,
          cfgs,
          opts(tomorrow),
        )
      ).state;
      expect(sms.got.map((m) => m.id)).toEqual(["s1", "s2", "s5"]);
    },
  );
});

describe("deliver: redaction", () => {
  it("masks secrets and, with redact: [paths, ips], strips paths and IPs from excerpts", async () => {
    const dt = recorder("dingtalk", "dingtalk");
    const m = message("dingtalk", [
      item({
        summary: "POST https://oapi.dingtalk.com/robot/send?access_token=abcdef123456 failed",
        excerpt: ["open /srv/models/cosyvoice/model.pt from 10.0.0.7 failed", "token s3cr3t-value leaked"],
      }),
    ]);
    await deliver(
      withOutbox([m]),
      new Map([["dingtalk", dt.ch]]),
      { dingtalk: cfg("dingtalk", { redact: ["paths"] }) },
      opts(T, { redact: createRedactor(["s3cr3t-value"]), redactExcerpts: ["ips"] }),
    );
    const got = dt.got[0]!.items[0]!;
    expect(got.summary).toBe("POST https://oapi.dingtalk.com/robot/send?access_token=*** failed");
    expect(got.excerpt).toEqual(["open <path> from <ip> failed", "token *** leaked"]);
  });
});
