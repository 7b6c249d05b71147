import type { Config } from "../../src/config/schema.js";
import type { CheckState, NotifyItem } from "../../src/engine/types.js";

/** tcpCheck is a validated tcp check whose ladder tells `channel` at the first failure, then every `repeatEvery`. */
export function tcpCheck(
  name: string,
  channel: string,
  repeatEvery: number,
  labels: Record<string, string> = {},
): Config["checks"][number] {
  const escalation = [{ after: 1, notify: [channel], restart: false }];
  return {
    name,
    type: "tcp",
    escalation,
    repeat_every: repeatEvery,
    recover_after: 1,
    restart: undefined,
    depends_on: [],
    labels,
    runbook: undefined,
  };
}

/** amCheck is a validated tcp check whose ladder tells the channel `am` at the first failure. */
export function amCheck(name: string, labels: Record<string, string> = {}): Config["checks"][number] {
  return tcpCheck(name, "am", 1_800_000, labels);
}

/** stepItem is the item of ladder step 1 for `check`, critical ("down") since `since`; `over` changes any field. */
export function stepItem(check: string, since: number, over: Partial<NotifyItem> = {}): NotifyItem {
  return {
    check,
    reason: "step",
    step: 1,
    severity: "critical",
    status: "critical",
    summary: "down",
    failStreak: 1,
    since,
    restarts: 0,
    restartsHelped: 0,
    ...over,
  };
}

/**
 * failingSince is a check's state two runs into an incident opened at `since`, step 1 fired to `notified`, its last
 * probe saying `summary`.
 */
export function failingSince(since: number, notified: string[], summary = "127.0.0.1:7860 refused"): CheckState {
  return {
    status: "critical",
    since,
    failStreak: 2,
    okStreak: 0,
    lastRunAt: since,
    summary,
    recent: "xx",
    restartTimes: [],
    incident: {
      id: `x@${since}`,
      startedAt: since,
      peak: "critical",
      stepsFired: [0],
      notified,
      held: [],
      lastNotifiedAt: since,
      restarts: 0,
      restartsHelped: 0,
      gaveUp: false,
      cause: undefined,
    },
  };
}
