import { notifyItem, severityOf, takes, teller, type CheckRun, type Said } from "./items.js";
import { topStep } from "./ladder.js";
import type { Incident } from "./types.js";

/** Reminder is what repeat_every says this run: the incident after it, the items, and whether to restart again. */
export type Reminder = { incident: Incident; items: Said[]; wantRestart: boolean };

/**
 * remind repeats the highest step fired so far, to the channels of that step that take the severity, when no step
 * fired this run (`fired`), repeat_every is on, and it has passed since the incident's last notice. A reminder at a
 * restart step tries the restart again (the restart budget decides).
 */
export function remind(run: CheckRun, inc: Incident, fired: boolean): Reminder {
  const { check, now } = run;
  const { highest, top } = topStep(check, inc);
  const last = inc.lastNotifiedAt;
  if (fired || !top || check.repeat_every <= 0 || last === undefined || now - last < check.repeat_every) {
    return { incident: inc, items: [], wantRestart: false };
  }
  const severity = severityOf(run.result.status);
  const t = teller(inc.notified);
  const next: Incident = { ...inc, notified: t.notified };
  for (const channel of top.notify) {
    if (takes(run.channels, channel, severity)) t.tell(channel, notifyItem(run, next, "reminder", highest + 1));
  }
  return { incident: next, items: t.items, wantRestart: top.restart };
}
