import type { EngineCheck, EngineStep } from "./config.js";
import { notifyItem, severityOf, takes, teller, type CheckRun, type Said } from "./items.js";
import type { Incident } from "./types.js";

/** stepReached says whether a step's `after` is reached: by the streak, or by failures in the last `within` runs. */
export function stepReached(step: EngineStep, failStreak: number, recent: string): boolean {
  if (step.within === undefined) return failStreak >= step.after;
  return [...recent.slice(-step.within)].filter((c) => c === "x").length >= step.after;
}

/** topStep is the highest step fired so far (0-based, -1 for none) and its config. */
export function topStep(check: EngineCheck, inc: Incident): { highest: number; top: EngineStep | undefined } {
  const highest = Math.max(-1, ...inc.stepsFired);
  return { highest, top: highest >= 0 ? check.escalation[highest] : undefined };
}

/** LadderStep is what climbing the ladder this run did: the incident after it, what to say, whether to restart. */
export type LadderStep = { incident: Incident; items: Said[]; fired: boolean; wantRestart: boolean };

/**
 * climbLadder fires each step of the check's ladder the failing run reaches and that has not fired in this incident:
 *   step reached, channel takes the severity   -> the channel is told ("step", i + 1)
 *   step reached, channel is critical-only     -> held in the incident; told once the incident turns critical
 *   step says restart: true                    -> wantRestart (the restart budget decides)
 * Resuming after a hold (`resume`), only the highest step reached meanwhile speaks; the lower ones count as fired.
 * `page` is a step to fire now whatever the streak: the cause is one a restart cannot fix, so a person is paged.
 */
export function climbLadder(run: CheckRun, inc: Incident, resume: boolean, page?: number): LadderStep {
  const { check, state } = run;
  const severity = severityOf(run.result.status);
  const next: Incident = { ...inc, stepsFired: [...inc.stepsFired], held: [...inc.held] };
  const t = teller(inc.notified);
  const reaches = (i: number) => i === page || stepReached(check.escalation[i]!, state.failStreak, state.recent);
  const fresh = (i: number) => !next.stepsFired.includes(i) && reaches(i);
  const speaks = resume ? Math.max(-1, ...check.escalation.map((_, i) => (fresh(i) ? i : -1))) : undefined;
  let fired = false;
  let wantRestart = false;
  check.escalation.forEach((st, i) => {
    if (!fresh(i)) return;
    next.stepsFired.push(i);
    fired = true;
    if (speaks !== undefined && i !== speaks) return;
    for (const channel of st.notify) {
      if (takes(run.channels, channel, severity)) t.tell(channel, notifyItem(run, next, "step", i + 1));
      else next.held.push({ channel, step: i + 1 });
    }
    if (st.restart) wantRestart = true;
  });
  // Channels a warning-level step skipped are told once the incident turns critical.
  if (severity === "critical" && next.held.length) {
    for (const h of next.held) t.tell(h.channel, notifyItem(run, next, "step", h.step));
    next.held = [];
    fired = true;
  }
  next.notified = t.notified;
  return { incident: next, items: t.items, fired, wantRestart };
}

/**
 * pagingStep is the step that pages a person: the first one that restarts (where a restart would have needed one),
 * else the highest.
 */
export function pagingStep(check: EngineCheck): number {
  const i = check.escalation.findIndex((st) => st.restart);
  return i >= 0 ? i : check.escalation.length - 1;
}
