import fc from "fast-check";
import { SEVERITIES, STATUSES } from "../../src/core/status.js";
import type { CheckConfig, Step } from "../../src/config/schema.js";
import { decide } from "../../src/engine/decide.js";
import { dict } from "../../src/engine/dict.js";
import type { NotifyItem, OutboxEntry, State } from "../../src/engine/types.js";
import { emptyState } from "../../src/engine/types.js";
import { consoleChannel, MIN, T0 } from "../engine/fixtures.js";

/*
 * Arbitrary states of the shape this build writes (the State type, field by field): optional fields absent,
 * present, or present as undefined, names a user may choose (`__proto__`, `constructor`), any Unicode text.
 */

const str = fc.string({ unit: "binary", maxLength: 12 });
const name = fc.oneof(str, fc.constantFrom("__proto__", "constructor", "toString", "svc", "0", "seal"));
const int = fc.integer({ min: -5, max: 2_000_000_000_000 });
const num = fc.oneof(int, fc.double({ noNaN: true, noDefaultInfinity: true }));
const status = fc.constantFrom(...STATUSES);
const severity = fc.constantFrom(...SEVERITIES);
/** opt is an optional field: absent, or present as undefined (JSON drops both), or a value. */
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const rec = <T>(r: { [K in keyof T]: fc.Arbitrary<T[K]> }, required: (keyof T)[]) =>
  fc.record(r, { requiredKeys: required as never });
const named = <T>(v: fc.Arbitrary<T>) => fc.array(fc.tuple(name, v), { maxLength: 3 }).map((e) => dict(e));

const restart = rec(
  {
    exitCode: fc.option(int), signal: fc.option(str), timedOut: fc.boolean(), durationMs: num, outputTail: str,
    after: opt(status), helped: fc.boolean(), error: opt(str),
  },
  ["exitCode", "signal", "timedOut", "durationMs", "outputTail", "after", "helped"],
);
const item: fc.Arbitrary<NotifyItem> = rec(
  {
    check: name, reason: fc.constantFrom("step", "reminder", "recovered", "restart_gave_up", "digest", "test"),
    step: int, severity, status, summary: str, detail: opt(str), excerpt: opt(fc.array(str, { maxLength: 2 })),
    cause: opt(str), failStreak: int, since: int, outageMs: opt(int), restarts: int, restartsHelped: int,
    restartPlanned: opt(fc.boolean()), restart: opt(restart), runbook: opt(str), labels: opt(named(str)),
    notice: opt(fc.constantFrom("flapping" as const, "stable" as const)), wasFlapping: opt(fc.constant(true as const)),
    flapShare: opt(num),
    alsoAffected: opt(fc.array(name, { maxLength: 2 })), monitorGapMs: opt(int),
  },
  ["check", "reason", "step", "severity", "status", "summary", "failStreak", "since", "restarts", "restartsHelped"],
);
const notice = fc.oneof(
  fc.record({ type: fc.constant("daily_limit" as const), channel: name, limit: int, day: str }),
  fc.record({
    type: fc.constant("channel_failing" as const), channel: name, since: int, problem: str, error: str,
    others: fc.array(name, { maxLength: 2 }),
  }),
);
const outboxEntry: fc.Arbitrary<OutboxEntry> = rec(
  {
    message: rec(
      {
        id: str, channel: name, host: str, createdAt: int, items: fc.array(item, { maxLength: 2 }),
        fallbackFrom: opt(name), fallbackPath: opt(fc.array(name, { maxLength: 2 })),
        mergedIds: opt(fc.array(str, { maxLength: 2 })), noFallback: opt(fc.constant(true as const)),
        heldBy: opt(fc.constantFrom("quiet_hours" as const, "rate_limit" as const)), notice: opt(notice),
      },
      ["id", "channel", "host", "createdAt", "items"],
    ),
    attempts: int, failedRuns: opt(int), nextAttemptAt: int, lastError: opt(str),
  },
  ["message", "attempts", "nextAttemptAt", "lastError"],
);
const incident = rec(
  {
    id: str, startedAt: int, peak: severity, stepsFired: fc.array(int, { maxLength: 3 }),
    notified: fc.array(name, { maxLength: 2 }),
    held: fc.array(fc.record({ channel: name, step: int }), { maxLength: 2 }), lastNotifiedAt: opt(int),
    restarts: int, restartsHelped: int, gaveUp: fc.boolean(), cause: opt(str),
    ack: opt(rec({ at: int, note: opt(str) }, ["at", "note"])),
  },
  ["id", "startedAt", "peak", "stepsFired", "notified", "held", "lastNotifiedAt", "restarts", "restartsHelped",
    "gaveUp", "cause"],
);
const checkState = rec(
  {
    status, since: int, failStreak: int, okStreak: int, lastRunAt: int, summary: str,
    recent: fc.stringMatching(/^[ox]{0,21}$/), restartTimes: fc.array(int, { maxLength: 3 }), incident: opt(incident),
    flapping: opt(fc.record({ since: int, share: num, told: fc.array(name, { maxLength: 2 }) })),
    held: opt(fc.constantFrom("silenced" as const, "depends" as const, "flapping" as const)),
  },
  ["status", "since", "failStreak", "okStreak", "lastRunAt", "summary", "recent", "restartTimes", "incident"],
);
const probeMemory = fc.jsonValue({ maxDepth: 2 });

/** stateArb is any State the types allow. */
export const stateArb: fc.Arbitrary<State> = rec(
  {
    version: fc.constant(1 as const), checks: named(checkState), outbox: fc.array(outboxEntry, { maxLength: 2 }),
    dropped: fc.array(
      fc.record({ id: str, channel: name, createdAt: int, droppedAt: int, why: str, checks: fc.array(name) }),
      { maxLength: 2 },
    ),
    droppedTotal: int,
    channels: named(rec({ sentAt: fc.array(int, { maxLength: 3 }), day: opt(str), dayCount: int,
      limitNoticeDay: opt(str) }, ["sentAt", "day", "dayCount"])),
    probes: named(probeMemory), lastRun: opt(fc.record({ startedAt: int, durationMs: int })),
    silences: fc.array(
      fc.record({ id: str, pattern: str, reason: str, createdAt: int, startsAt: int, endsAt: int }),
      { maxLength: 2 },
    ),
    monitorGap: opt(fc.record({ from: int, to: int })),
    channelHealth: opt(named(fc.record({ since: int, problem: str, error: str, told: fc.array(name) }))),
    sent: named(fc.record({ ok: int, failed: int })),
  },
  ["version", "checks", "outbox", "dropped", "droppedTotal", "channels", "probes", "lastRun", "silences", "sent"],
) as fc.Arbitrary<State>;

/** decidedStateArb is the state the real engine (`decide`) leaves after a random run of results for two checks. */
export const decidedStateArb: fc.Arbitrary<State> = fc
  .record({
    statuses: fc.array(fc.tuple(status, status), { minLength: 1, maxLength: 40 }),
    gaps: fc.array(fc.integer({ min: 1, max: 20 * MIN }), { minLength: 40, maxLength: 40 }),
    restart: fc.boolean(),
  })
  .map(({ statuses, gaps, restart }) => {
    const ladder: Step[] = [
      { after: 1, notify: ["email"], restart },
      { after: 3, notify: ["sms"], restart: false },
    ];
    const check = (n: string, over: Partial<CheckConfig> = {}): CheckConfig => ({
      name: n, type: "tcp", escalation: ladder, repeat_every: 5 * MIN, recover_after: 2,
      restart: { command: ["x"], shell: false, timeout: 1000, verify_after: 0, limit: { max: 2, within: 30 * MIN } },
      depends_on: [], labels: {}, runbook: undefined, ...over,
    });
    const config = {
      checks: [check("svc"), check("__proto__", { depends_on: ["svc"] })],
      channels: { email: consoleChannel("warning"), sms: consoleChannel("critical") },
    };
    let state = emptyState();
    let now = T0;
    statuses.forEach(([a, b], i) => {
      now += gaps[i]!;
      const results = [
        { check: "svc", status: a, summary: `svc ${a}`, durationMs: 1 },
        { check: "__proto__", status: b, summary: `p ${b}`, durationMs: 2 },
      ];
      state = { ...decide(state, results, now, config).state, lastRun: { startedAt: now, durationMs: 3 } };
    });
    return state;
  });
