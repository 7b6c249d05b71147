import { beforeAll, describe, expect, it } from "vitest";
import type { CheckConfig, Config } from "../../src/config/schema.js";
import { renderStatus } from "../../src/cli/commands/status.js";
import { loadWidths } from "../../src/cli/table.js";
import { emptyState, type State } from "../../src/engine/types.js";
import { stepItem, tcpCheck } from "../helpers/incidents.js";

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const check = (name: string): CheckConfig => tcpCheck(name, "email", 0);
const config = {
  host: "gpu-box",
  checks: [check("a-check-with-a-really-long-name-that-goes-on-and-on"), check("ok-one")],
} as unknown as Config;
const state: State = {
  ...emptyState(),
  lastRun: { startedAt: T0 - MIN, durationMs: 1200 },
  checks: {
    "a-check-with-a-really-long-name-that-goes-on-and-on": {
      status: "critical",
      since: T0 - 10 * MIN,
      failStreak: 5,
      okStreak: 0,
      lastRunAt: T0 - MIN,
      summary: "down",
      recent: "xxxxx",
      restartTimes: [],
      incident: {
        id: "x",
        startedAt: T0 - 10 * MIN,
        peak: "critical",
        stepsFired: [0],
        notified: ["email", "sms", "dingtalk", "wecom"],
        held: [],
        lastNotifiedAt: T0 - 10 * MIN,
        restarts: 0,
        restartsHelped: 0,
        gaveUp: false,
        cause: undefined,
        ack: { at: T0, note: undefined },
      },
      flapping: { since: T0, share: 60, told: [] },
    },
    "ok-one": {
      status: "ok",
      since: T0 - 60 * MIN,
      failStreak: 0,
      okStreak: 30,
      lastRunAt: T0 - MIN,
      summary: "up",
      recent: "ooo",
      restartTimes: [],
      incident: undefined,
    },
  },
  silences: [
    {
      id: "deadbeef",
      pattern: "ok-*",
      reason: "a long reason that would not fit in eighty columns at all, really not",
      createdAt: T0,
      startsAt: T0,
      endsAt: T0 + 120 * MIN,
    },
  ],
};
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\u001b\[\d+m/g, "");

// The commands load string-width before they lay out text that is not ASCII; so do these tests.
beforeAll(() => loadWidths());

describe("renderStatus", () => {
  it.each([
    // No TTY: no escape codes, every line within 80 columns.
    { tty: false },
    // A TTY: colours, and still 80 visible columns.
    { tty: true },
  ])("tty=$tty", ({ tty }) => {
    const out = renderStatus(state, config, T0, tty);
    expect(out.includes("\u001b[")).toBe(tty);
    for (const line of plain(out).split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    // The long name and channel list are cut so the columns stay; --json has them whole.
    expect(plain(out)).toMatch(/^a-check-with-a-really-l…\s+CRITICAL\s+5\s+10m ago\s+1\/1\s+email,sms,dingt…\s/m);
    expect(plain(out)).toMatch(/^ok-one\s+OK\s+0\s+1h ago\s+-\s+-\s+-\s/m);
    expect(plain(out)).toContain("last run");
  });

  it("marks acked, flapping and silenced checks", () => {
    const short: State = {
      ...state,
      checks: {
        svc: {
          ...state.checks["a-check-with-a-really-long-name-that-goes-on-and-on"]!,
          incident: {
            ...state.checks["a-check-with-a-really-long-name-that-goes-on-and-on"]!.incident!,
            notified: ["email"],
          },
        },
        "ok-one": state.checks["ok-one"]!,
      },
    };
    const out = renderStatus(short, { ...config, checks: [check("svc"), check("ok-one")] } as Config, T0, false);
    expect(out).toMatch(/^svc\s+CRITICAL\s+5\s+10m ago\s+1\/1\s+email\s+-\s+10m ago\s+acked; flap 60%$/m);
    expect(out).toMatch(/^ok-one\s+OK\s+0\s+1h ago\s+-\s+-\s+-\s+-\s+silenced 2h$/m);
  });

  it("says who was addressed but not told, and why: queued, failing or refused", () => {
    const long = state.checks["a-check-with-a-really-long-name-that-goes-on-and-on"]!;
    const inc = { ...long.incident!, notified: ["email", "hook", "sms"], delivered: [], lastSentAt: undefined };
    const item = stepItem("svc", inc.startedAt);
    const msg = (channel: string) => ({ id: `m-${channel}`, channel, host: "gpu-box", createdAt: T0, items: [item] });
    const s: State = {
      ...state,
      checks: { svc: { ...long, incident: inc } },
      outbox: [
        {
          message: msg("email"),
          attempts: 3,
          failedRuns: 1,
          nextAttemptAt: T0 + MIN,
          lastError: "connect ECONNREFUSED",
        },
        { message: msg("hook"), attempts: 0, nextAttemptAt: T0, lastError: undefined },
      ],
      dropped: [
        {
          id: "m-sms",
          channel: "sms",
          createdAt: T0,
          droppedAt: T0,
          checks: ["svc"],
          why: "permanent failure: isv.BUSINESS_LIMIT_CONTROL",
        },
      ],
    };
    const out = renderStatus(s, { ...config, checks: [check("svc")] } as Config, T0, false);
    expect(out).toMatch(/^svc\s+CRITICAL\s+5\s+10m ago\s+1\/1\s+-\s+-\s+-\s/m);
    const flat = out.replace(/\s+/g, " ");
    expect(flat).toContain("not yet told: email (failing, 3 attempts, next in 1m): connect ECONNREFUSED");
    expect(flat).toContain("not yet told: hook (queued, next now): waiting to be sent");
    expect(flat).toContain("not told: sms refused: permanent failure: isv.BUSINESS_LIMIT_CONTROL");
    // An incident an older build opened has no record of deliveries: shown as that build showed it.
    const { delivered: _d, lastSentAt: _l, ...old } = inc;
    const svcOnly = { ...config, checks: [check("svc")] } as Config;
    const legacy = renderStatus({ ...s, checks: { svc: { ...long, incident: old } } }, svcOnly, T0, false);
    expect(legacy).toMatch(/^svc\s+CRITICAL\s+5\s+10m ago\s+1\/1\s+email,hook,sms\s+-\s+10m ago\s/m);
    expect(legacy).not.toContain("told:");
  });
});
