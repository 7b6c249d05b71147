import type { EngineRestart } from "./config.js";
import { notifyItem, teller, type CheckRun, type Said } from "./items.js";
import type { Incident } from "./types.js";

/**
 * keptRestarts is the restart times still inside the limit's window (none for a check without a hook). A restart
 * "in the future" (the clock was stepped back) counts as made now: the jump must not reset the limit.
 */
export function keptRestarts(times: readonly number[], now: number, restart: EngineRestart | undefined): number[] {
  if (!restart) return [];
  return times.map((t) => Math.min(t, now)).filter((t) => t > now - restart.limit.within);
}

/** RestartSpend is the budget's answer: the restart times and incident after it, whether to restart, what to say. */
export type RestartSpend = { restartTimes: number[]; incident: Incident; restart: boolean; items: Said[] };

/**
 * spendRestart answers a step's (or reminder's) wish to restart:
 *   under limit.max restarts in the window   -> restart now (the time is kept, the incident counts it)
 *   limit spent, not said yet                 -> one critical "giving up" notice, with the cause and the last hook's
 *                                                output, to the ladder's highest step (fired or not: restarts
 *                                                cannot help, so whoever is paged last must hear now) and every
 *                                                channel told (whatever their min_severity)
 *   limit spent, already said                 -> nothing, until recovery
 */
export function spendRestart(run: CheckRun, inc: Incident, limit: EngineRestart["limit"]): RestartSpend {
  const times = run.state.restartTimes;
  if (times.length < limit.max) {
    const incident = { ...inc, restarts: inc.restarts + 1 };
    return { restartTimes: [...times, run.now], incident, restart: true, items: [] };
  }
  if (inc.gaveUp) return { restartTimes: times, incident: inc, restart: false, items: [] };
  const t = teller(inc.notified);
  const incident: Incident = { ...inc, gaveUp: true, notified: t.notified };
  const critical: CheckRun = { ...run, result: { ...run.result, status: "critical" } };
  const highest = run.check.escalation.length;
  const extra = inc.lastHookTail ? { lastHookTail: inc.lastHookTail } : {};
  for (const channel of new Set([...(run.check.escalation[highest - 1]?.notify ?? []), ...inc.notified])) {
    t.tell(channel, notifyItem(critical, incident, "restart_gave_up", highest, extra));
  }
  return { restartTimes: times, incident, restart: false, items: t.items };
}
