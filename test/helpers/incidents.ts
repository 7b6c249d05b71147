import type { Config } from "../../src/config/schema.js";
import type { CheckState } from "../../src/engine/types.js";

/** amCheck is a validated tcp check whose ladder tells the channel `am` at the first failure. */
export function amCheck(name: string, labels: Record<string, string> = {}): Config["checks"][number] {
  const escalation = [{ after: 1, notify: ["am"], restart: false }];
  return {
    name,
    type: "tcp",
    escalation,
    repeat_every: 1_800_000,
    recover_after: 1,
    restart: undefined,
    depends_on: [],
    labels,
    runbook: undefined,
  };
}

/** failingSince is a check's state two runs into an incident opened at `since`, step 1 fired to `notified`. */
export function failingSince(since: number, notified: string[]): CheckState {
  return {
    status: "critical",
    since,
    failStreak: 2,
    okStreak: 0,
    lastRunAt: since,
    summary: "127.0.0.1:7860 refused",
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
