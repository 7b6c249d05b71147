import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyState, type CheckState, type Message, type State } from "../../src/engine/types.js";
import { keepChannelsAlive as enqueueAlertmanagerRefresh } from "../../src/notify/registry.js";
import { silentLogger } from "../../src/logger.js";
import { deliver } from "../../src/notify/deliver.js";
import { renderText } from "../../src/notify/render.js";
import type { Channel } from "../../src/notify/types.js";
import { item } from "./fixtures.js";
import { failingSince, tcpCheck } from "../helpers/incidents.js";
import { startHttpVendor, type VendorMode, type VendorServer } from "../helpers/vendors/http-vendor.js";
import { startWebhook } from "../helpers/vendors/webhook.js";
import { closedPort, rig, withBackup, type Rig } from "./harness.js";

// Interactions between delivery rules, through the real pipeline (runCheck) and real HTTP servers on 127.0.0.1.
// Only the clock is set by the test (backoff waits are skipped).

const MIN = 60_000;
const T = Date.parse("2026-11-22T10:00:00Z");

let port = 0;
let backup: VendorServer;
beforeAll(async () => {
  port = await closedPort();
  backup = await startWebhook();
});
afterAll(async () => {
  await backup.close();
});

const down = (name = "cosyvoice") =>
  `  - name: ${name}\n    type: tcp\n    host: 127.0.0.1\n    port: ${port}\n    timeout: 500ms\n`;
/** oneWebhook is a config with one webhook channel told at the first failure of a down check, and no reminders. */
const oneWebhook = (url: string) =>
  `channels:\n  hook:\n    type: webhook\n    url: "${url}"\nescalation:\n  - after: 1\n    notify: [hook]\n` +
  `repeat_every: 0s\nchecks:\n${down()}`;

/** withOneWebhook runs fn with a webhook vendor in `mode`, a rig at T and oneWebhook's config for it; closes both. */
async function withOneWebhook(mode: VendorMode, fn: (hook: VendorServer, r: Rig, yaml: string) => Promise<void>) {
  const hook = await startWebhook();
  await hook.setMode(mode);
  const r = rig(T);
  try {
    await fn(hook, r, oneWebhook(hook.url));
  } finally {
    r.close();
    await hook.close();
  }
}

describe("Alertmanager refresh and fallback", () => {
  it("while Alertmanager is down its fallback is told once, not re-sent every run's keep-alive refresh", async () => {
    // An Alertmanager API that answers 500 (down): watchdog re-sends open incidents every run (resend_every 0).
    const am = await startHttpVendor("/api/v2/alerts", () => ({ body: "", accepted: true }), {});
    await am.setMode("500");
    const r = rig(T);
    const am1s = `    type: alertmanager\n    urls: ["${am.origin}"]\n    timeout: 1s\n`;
    const yaml = withBackup("am", am1s, backup.url, down());
    const before = backup.delivered().length;
    try {
      // Five runs, two minutes apart, all failing: step 1 at run 1, nothing new after (the reminder is due at 30m).
      for (let i = 0; i < 5; i++) await r.run(yaml, T + i * 2 * MIN);
      // The one "channel am cannot be reached" notice (channel-health.ts) is not a copy of a refresh.
      const copies = backup
        .delivered()
        .slice(before)
        .filter((b) => !b.notice);
      expect(copies.map((b) => b.fallbackFrom)).toEqual(["am"]);
      expect(am.received.length).toBeGreaterThanOrEqual(5);
    } finally {
      r.close();
      await am.close();
    }
  });
});

describe("Alertmanager keep-alive", () => {
  const failing = (since: number): CheckState => failingSince(since, ["am"], "refused");
  const check = (name: string) => tcpCheck(name, "am", 0);
  const config = {
    host: "h",
    checks: [check("a"), check("b")],
    channels: {
      am: { type: "alertmanager" as const, resend_every: 5 * MIN, ttl: 6 * MIN, fallback: [], timeout: 10_000 },
    },
  };

  it(
    "a message about one check does not postpone the re-send " + "of the others (they would expire in Alertmanager)",
    () => {
      // a is open and re-sent at T; at T+4m b's first alert goes to Alertmanager. a is still due at T+5m: with ttl 6m,
      // waiting for T+9m let Alertmanager resolve a on its own at T+6m.
      let state: State = { ...emptyState(), checks: { a: failing(T - 10 * MIN) } };
      state = enqueueAlertmanagerRefresh(state, config, [], T);
      expect(state.outbox.map((e) => e.message.items.map((i) => i.check))).toEqual([["a"]]);
      state = { ...state, outbox: [], checks: { ...state.checks, b: failing(T + 4 * MIN) } };
      const bStep: Message = {
        id: "run-am",
        channel: "am",
        host: "h",
        createdAt: T + 4 * MIN,
        items: [{ check: "b" } as Message["items"][number]],
      };
      state = enqueueAlertmanagerRefresh(state, config, [bStep], T + 4 * MIN);
      expect(state.outbox).toEqual([]);
      state = enqueueAlertmanagerRefresh(state, config, [], T + 6 * MIN);
      expect(state.outbox.map((e) => e.message.items.map((i) => i.check))).toEqual([["a", "b"]]);
    },
  );
});

describe("ordering", () => {
  it("a message waiting out its retry backoff goes out with the next one to its channel, never after it", async () => {
    // The channel is down for three runs while the check fails, then the service and the channel come back together.
    const hook = await startWebhook();
    await hook.setMode("error");
    const svcPort = await closedPort();
    const r = rig(T);
    const yaml = `channels:
  hook:
    type: webhook
    url: "${hook.url}"
escalation:
  - after: 1
    notify: [hook]
checks:
  - name: tts
    type: tcp
    host: 127.0.0.1
    port: ${svcPort}
    timeout: 500ms
`;
    let svc: net.Server | undefined;
    try {
      const run1 = await r.run(yaml, T);
      const stepId = run1.attempts[0]!.id;
      await r.run(yaml, T + 2 * MIN);
      await r.run(yaml, T + 4 * MIN);
      expect(hook.delivered()).toHaveLength(0);
      await hook.setMode("ok");
      svc = net.createServer((s) => s.end());
      await new Promise<void>((ok) => svc!.listen(svcPort, "127.0.0.1", ok));
      // The recovery is made now; the step message of run 1 still waits for its backoff: they go out as one message,
      // the step first. Before, the recovery went out alone and "tts is down" came after "tts recovered".
      const run4 = await r.run(yaml, T + 6 * MIN);
      const got = hook.delivered();
      expect(got).toHaveLength(1);
      expect(got[0].ids[0]).toBe(stepId);
      expect(got[0].items.map((i: { reason: string }) => i.reason)).toEqual(["step", "recovered"]);
      expect(run4.state.outbox).toEqual([]);
    } finally {
      r.close();
      await hook.close();
      await new Promise<void>((ok) => (svc ? svc.close(() => ok()) : ok()));
    }
  });
});

describe("outbox backoff", () => {
  it("waits 1m, 2m, 4m ... after each failed run (a run's in-run retries are one step, not three)", async () => {
    // The webhook answers 503 (retryable): each run tries 3 times. The README promises 1m, 2m, 4m ... 1h between runs.
    await withOneWebhook("error", async (hook, r, yaml) => {
      const waits: number[] = [];
      let now = T;
      for (let i = 0; i < 5; i++) {
        const run = await r.run(yaml, now);
        const entry = run.state.outbox[0]!;
        waits.push((entry.nextAttemptAt - now) / MIN);
        now = entry.nextAttemptAt;
      }
      expect(waits).toEqual([1, 2, 4, 8, 16]);
      expect(hook.delivered()).toHaveLength(0);
    });
  });
});

describe("fallback of a fallback", () => {
  const config = (a: string, b: string, c: string, bFallback: string) => `channels:
  primary:
    type: webhook
    url: "${a}"
    fallback: [second]
  second:
    type: webhook
    url: "${b}"
    fallback: [${bFallback}]
  third:
    type: webhook
    url: "${c}"
escalation:
  - after: 1
    notify: [primary]
checks:
${down()}`;
  /** withThree runs fn with three webhook vendors, the first two in modes `modeA` and `modeB`, and a rig at T. */
  const withThree = async (
    modeA: VendorMode,
    modeB: VendorMode,
    fn: (a: VendorServer, b: VendorServer, c: VendorServer, r: Rig) => Promise<void>,
  ) => {
    const [a, b, c] = await Promise.all([startWebhook(), startWebhook(), startWebhook()]);
    await a.setMode(modeA);
    await b.setMode(modeB);
    const r = rig(T);
    try {
      await fn(a, b, c, r);
    } finally {
      r.close();
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  };

  it("when the fallback cannot deliver either, its own fallback gets the message in the same run", async () => {
    await withThree("error", "500", async (a, b, c, r) => {
      const run = await r.run(config(a.url, b.url, c.url, "third"));
      const id = run.attempts.find((x) => x.channel === "primary")!.id;
      expect(c.delivered()).toHaveLength(1);
      expect(c.delivered()[0]).toMatchObject({ id: `${id}~second~third`, fallbackFrom: "second" });
      // Both failed retryably: each keeps its copy for a later run; nothing is lost or copied twice.
      expect(
        r
          .state()
          .outbox.map((e: { message: { id: string } }) => e.message.id)
          .sort(),
      ).toEqual([id, `${id}~second`]);
      await r.run(config(a.url, b.url, c.url, "third"), T + 2 * MIN);
      expect(c.delivered()).toHaveLength(1);
    });
  });

  it("a fallback never leads back to a channel that already failed the message", async () => {
    await withThree("error", "error", async (a, b, c, r) => {
      // primary -> second -> primary: the copy at second must not come back to primary.
      const run = await r.run(config(a.url, b.url, c.url, "primary"));
      expect(run.attempts.map((x) => x.channel)).toEqual(["primary", "second"]);
      expect(r.state().outbox).toHaveLength(2);
    });
  });
});

describe("clock stepped back", () => {
  it("a message waiting out its backoff is not held back for as long as the clock jumped", async () => {
    await withOneWebhook("500", async (hook, r, yaml) => {
      const run1 = await r.run(yaml, T);
      expect(run1.state.outbox[0]!.nextAttemptAt).toBe(T + MIN);
      // The clock is stepped back an hour; the channel is back. The next run delivers, not the one an hour later.
      await hook.setMode("ok");
      const run2 = await r.run(yaml, T - 58 * MIN);
      expect(run2.attempts.map((a) => [a.id, a.ok])).toEqual([[run1.attempts[0]!.id, true]]);
      expect(run2.state.outbox).toEqual([]);
    });
  });
});

describe("a daily-limit notice and alerts to the same channel", () => {
  it("go out as separate messages: merged, the alert hid under the subject 'SMS daily limit reached'", async () => {
    const got: Message[] = [];
    const mail: Channel = { name: "email", type: "email", send: async (m) => (got.push(m), { ok: true }) };
    const notice: Message = {
      id: "sms-daily-limit-2026-11-22~email",
      channel: "email",
      host: "gpu-box-01",
      createdAt: T,
      items: [],
      notice: { type: "daily_limit", channel: "sms", limit: 20, day: "2026-11-22" },
    };
    const alert: Message = {
      id: "run2-email",
      channel: "email",
      host: "gpu-box-01",
      createdAt: T + 2 * MIN,
      items: [item({ check: "cosyvoice" })],
    };
    // Both wait in the outbox (the mail server was down) and are due now.
    const state: State = {
      ...emptyState(),
      outbox: [notice, alert].map((message) => ({
        message,
        attempts: 1,
        failedRuns: 1,
        nextAttemptAt: T + 2 * MIN,
        lastError: "timeout",
      })),
    };
    const opts = {
      now: T + 4 * MIN,
      maxAgeMs: 24 * 3_600_000,
      signal: AbortSignal.timeout(5000),
      sleep: async () => {},
      logger: silentLogger(),
    };
    const r = await deliver(
      state,
      new Map([["email", mail]]),
      { email: { type: "email" as const, fallback: [], timeout: 1000, min_severity: "warning" as const } },
      opts,
    );
    expect(r.state.outbox).toEqual([]);
    expect(got.map((m) => renderText(m, "en").subject)).toEqual([
      "[watchdog] SMS daily limit reached on gpu-box-01 (sms)",
      renderText(alert, "en").subject,
    ]);
  });
});

describe("SMS daily cap and a clock stepped back over midnight", () => {
  it("the day's count is not reset by going back to the day before", async () => {
    const got: Message[] = [];
    const sms: Channel = { name: "sms", type: "aliyun-sms", send: async (m) => (got.push(m), { ok: true }) };
    const cfgs = {
      sms: {
        type: "aliyun-sms" as const,
        fallback: [],
        timeout: 1000,
        min_severity: "critical" as const,
        daily_limit: 2,
        quiet_hours: { from: "00:00", to: "00:00", timezone: "UTC", except: "critical" as const },
      },
    };
    const opts = (now: number) => ({
      now,
      maxAgeMs: 24 * 3_600_000,
      signal: AbortSignal.timeout(5000),
      sleep: async () => {},
      logger: silentLogger(),
    });
    const send = async (state: State, id: string, now: number) => {
      const message: Message = { id, channel: "sms", host: "h", createdAt: now, items: [item()] };
      return (
        await deliver(
          { ...state, outbox: [{ message, attempts: 0, nextAttemptAt: now, lastError: undefined }] },
          new Map([["sms", sms]]),
          cfgs,
          opts(now),
        )
      ).state;
    };
    // Two SMS at 00:05 and 00:10 UTC on the 23rd: the cap of 2 is reached.
    let state = await send(emptyState(), "s1", Date.parse("2026-11-23T00:05:00Z"));
    state = await send(state, "s2", Date.parse("2026-11-23T00:10:00Z"));
    // The clock is stepped back to 23:55 on the 22nd: still the same real day; no more SMS.
    state = await send(state, "s3", Date.parse("2026-11-22T23:55:00Z"));
    state = await send(state, "s4", Date.parse("2026-11-23T00:01:00Z"));
    expect(got.map((m) => m.id)).toEqual(["s1", "s2"]);
    expect(state.dropped.map((d) => d.id)).toEqual(["s3", "s4"]);
    // A count dated days ahead (the clock was wrong then) does not stop SMS until that day comes.
    state = await send(
      { ...state, channels: { sms: { ...state.channels.sms!, day: "2027-01-01" } } },
      "s5",
      Date.parse("2026-11-24T08:00:00Z"),
    );
    expect(got.map((m) => m.id)).toEqual(["s1", "s2", "s5"]);
  });
});
