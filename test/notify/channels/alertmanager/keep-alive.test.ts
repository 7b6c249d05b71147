import { describe, expect, it } from "vitest";
import type { Config } from "../../../../src/config/schema.js";
import { emptyState, type CheckState, type Message, type State } from "../../../../src/engine/types.js";
import { silentLogger } from "../../../../src/logger.js";
import { REFRESH_PREFIX } from "../../../../src/notify/channels/alertmanager/keep-alive.js";
import { deliver, enqueue } from "../../../../src/notify/deliver.js";
import { keepChannelsAlive } from "../../../../src/notify/registry.js";
import { parseState } from "../../../../src/state/state-schema.js";
import { amCheck, failingSince } from "../../../helpers/incidents.js";

// Moved from test/exporters/exporters.test.ts with the keep-alive (now the Alertmanager channel's hook, run for every
// channel by keepChannelsAlive).
const enqueueAlertmanagerRefresh = keepChannelsAlive;

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

const check = amCheck;
const failing = failingSince;

const config = (resend_every = 0) => ({
  host: "gpu-box-01",
  checks: [check("a", { team: "speech" }), check("b")],
  channels: {
    am: { type: "alertmanager" as const, resend_every, fallback: [], timeout: 10_000 },
    mail: { type: "email" as const, fallback: [], timeout: 10_000 },
  },
});

describe("enqueueAlertmanagerRefresh", () => {
  const state = (): State => ({
    ...emptyState(),
    checks: { a: failing(T0, ["am", "mail"]), b: failing(T0, ["mail"]) },
  });

  it("re-states every open incident told to the alertmanager channel, not to others", () => {
    const next = enqueueAlertmanagerRefresh(state(), config(), [], T0 + 120_000);
    expect(next.outbox).toHaveLength(1);
    const m = next.outbox[0]!.message;
    expect(m.id.startsWith(REFRESH_PREFIX)).toBe(true);
    expect(m).toMatchObject({ channel: "am", host: "gpu-box-01", createdAt: T0 + 120_000 });
    expect(m.items.map((i) => [i.check, i.severity, i.since, i.labels])).toEqual([
      ["a", "critical", T0, { team: "speech" }],
    ]);
  });

  it("waits resend_every between refreshes, and a newer refresh replaces a pending one", () => {
    const s1 = enqueueAlertmanagerRefresh(state(), config(300_000), [], T0);
    expect(s1.outbox).toHaveLength(1);
    const s2 = enqueueAlertmanagerRefresh(s1, config(300_000), [], T0 + 120_000);
    expect(s2.outbox).toHaveLength(1); // not due: the pending one stays
    const s3 = enqueueAlertmanagerRefresh(s2, config(300_000), [], T0 + 300_000);
    expect(s3.outbox.map((e) => e.message.createdAt)).toEqual([T0 + 300_000]);
  });

  it("skips a check already told this run, and drops a pending refresh once its incident has closed", () => {
    const told: Message = {
      id: "r-am",
      channel: "am",
      host: "h",
      createdAt: T0,
      items: [{ check: "a" } as Message["items"][number]],
    };
    expect(enqueueAlertmanagerRefresh(state(), config(), [told], T0).outbox).toEqual([]);
    const pending = enqueueAlertmanagerRefresh(state(), config(600_000), [], T0);
    const closed: State = {
      ...pending,
      checks: { ...pending.checks, a: { ...pending.checks.a!, status: "ok", incident: undefined } },
    };
    expect(enqueueAlertmanagerRefresh(closed, config(600_000), [], T0 + 60_000).outbox).toEqual([]);
  });

  it("treats a clock that moved back as due (no alert left to expire)", () => {
    const s1 = enqueueAlertmanagerRefresh(state(), config(600_000), [], T0);
    expect(enqueueAlertmanagerRefresh({ ...s1, outbox: [] }, config(600_000), [], T0 - 3_600_000).outbox).toHaveLength(
      1,
    );
  });
});

describe("keep-alive memory and the state file", () => {
  const state = (): State => ({ ...emptyState(), checks: { a: failing(T0, ["am"]) } });

  it(
    "a state file written before the hook moved (refreshedAt " + "beside the rate-limit memory) loads and is honoured",
    () => {
      const file = {
        version: 1,
        channels: { am: { sentAt: [], day: null, dayCount: 0, refreshedAt: T0 } },
        checks: { a: failing(T0, ["am"]) },
      };
      const { state: loaded, problem } = parseState(JSON.parse(JSON.stringify(file)));
      expect(problem).toBeUndefined();
      // resend_every 5m, refreshed at T0: not due at T0+2m; due at T0+5m, and the memory moves on, the rest kept.
      expect(keepChannelsAlive(loaded, config(300_000), [], T0 + 120_000).outbox).toEqual([]);
      const next = keepChannelsAlive(loaded, config(300_000), [], T0 + 300_000);
      expect(next.outbox).toHaveLength(1);
      expect(next.channels.am).toEqual({ sentAt: [], day: undefined, dayCount: 0, refreshedAt: T0 + 300_000 });
    },
  );

  it("delivery keeps the hook's memory when it updates the channel's rate-limit window", async () => {
    const s: State = {
      ...state(),
      channels: { am: { sentAt: [], day: undefined, dayCount: 0, refreshedAt: T0 } as State["channels"][string] },
    };
    const channels = new Map([["am", { name: "am", type: "alertmanager", send: async () => ({ ok: true as const }) }]]);
    const cfgs = {
      am: { type: "alertmanager" as const, fallback: [], timeout: 1000, rate_limit: { max: 5, per: 60_000 } },
    };
    const opts = {
      now: T0,
      maxAgeMs: 3_600_000,
      signal: AbortSignal.timeout(5000),
      sleep: async () => {},
      logger: silentLogger(),
    };
    const r = await deliver(
      enqueue(s, [{ id: "m", channel: "am", host: "h", createdAt: T0, items: [] }], T0),
      channels,
      cfgs,
      opts,
    );
    expect(r.state.channels.am).toMatchObject({ sentAt: [T0], refreshedAt: T0 });
  });

  it("a refresh is marked noFallback; one queued by an older build (no mark) gets the mark while it waits", () => {
    const s1 = keepChannelsAlive(state(), config(600_000), [], T0);
    expect(s1.outbox[0]!.message.noFallback).toBe(true);
    const old = { ...s1, outbox: s1.outbox.map((e) => ({ ...e, message: { ...e.message, noFallback: undefined } })) };
    const s2 = keepChannelsAlive(old, config(600_000), [], T0 + 60_000);
    expect(s2.outbox.map((e) => [e.message.id, e.message.noFallback])).toEqual([[s1.outbox[0]!.message.id, true]]);
  });
});
