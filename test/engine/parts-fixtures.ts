import type { CheckConfig, Step } from "../../src/config/schema.js";
import type { CheckRun } from "../../src/engine/items.js";
import type { CheckState, Incident } from "../../src/engine/types.js";
import type { Status } from "../../src/probes/types.js";
import { consoleChannel, engineCheck, T0 } from "./fixtures.js";

/** LADDER is email at 1, sms (critical-only) and dingtalk with a restart at 3. */
export const LADDER: Step[] = [
  { after: 1, notify: ["email"], restart: false },
  { after: 3, notify: ["sms", "dingtalk"], restart: true },
];

/** incident is an open incident started at T0 with nothing said yet; `over` replaces fields. */
export function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: `svc@${T0}`,
    startedAt: T0,
    peak: "critical",
    stepsFired: [],
    notified: [],
    held: [],
    lastNotifiedAt: undefined,
    restarts: 0,
    restartsHelped: 0,
    gaveUp: false,
    cause: undefined,
    ...over,
  };
}

/** failedOnce is the state of check "svc" after its first failure (critical) at T0; `over` replaces fields. */
export function failedOnce(over: Partial<CheckState> = {}): CheckState {
  return {
    status: "critical",
    since: T0,
    failStreak: 1,
    okStreak: 0,
    lastRunAt: T0,
    summary: "",
    recent: "x",
    restartTimes: [],
    incident: undefined,
    ...over,
  };
}

/** checkRun is one run of check "svc" at `now` with the given status, streak and state fields. */
export function checkRun(
  status: Status,
  state: Partial<CheckState> = {},
  over: Partial<CheckConfig> = {},
  now = T0,
): CheckRun {
  const failing = status !== "ok";
  return {
    check: engineCheck("svc", LADDER, over),
    result: { check: "svc", status, summary: `svc is ${status}`, durationMs: 1 },
    state: {
      status,
      since: T0,
      failStreak: failing ? 1 : 0,
      okStreak: failing ? 0 : 1,
      lastRunAt: now,
      summary: "",
      recent: failing ? "x" : "o",
      restartTimes: [],
      incident: undefined,
      ...state,
    },
    now,
    channels: { email: consoleChannel(), sms: consoleChannel("critical"), dingtalk: consoleChannel() },
  };
}

/** said lists "channel:reason:step" for items. */
export const said = (items: { channel: string; item: { reason: string; step: number } }[]) =>
  items.map(({ channel, item }) => `${channel}:${item.reason}:${item.step}`);
