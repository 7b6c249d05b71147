import { notifyItem, type CheckRun, type Said } from "./items.js";
import type { HoldReason, Incident } from "./types.js";

/** Recovery is an ok run's effect on the incident: closed (undefined) or still open, and the notices. */
export type Recovery = { incident: Incident | undefined; items: Said[] };

/**
 * recover closes the incident once the ok streak reaches `recover_after`: every channel told during the incident
 * gets a recovery notice with the outage (first failing run to the first ok run of this streak). A silenced or
 * flapping check's incident closes without a word; other holds (depends, ack) still let the recovery out.
 */
export function recover(run: CheckRun, held: HoldReason | undefined): Recovery {
  const { state: s, check } = run;
  const inc = s.incident;
  if (!inc || s.okStreak < check.recover_after) return { incident: inc, items: [] };
  if (held === "silenced" || held === "maintenance" || held === "flapping") return { incident: undefined, items: [] };
  const outageMs = Math.max(0, s.since - inc.startedAt);
  const items = inc.notified.map((channel) => ({ channel, item: notifyItem(run, inc, "recovered", 0, { outageMs }) }));
  return { incident: undefined, items };
}
