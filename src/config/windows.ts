import { CronExpressionParser } from "cron-parser";
import { cronOf, type MaintenanceWindow } from "./maintenance.js";
import type { NameMatcher } from "../engine/silence.js";

/** WindowTime is one occurrence of a maintenance window. */
export type WindowTime = { name: string; startsAt: number; endsAt: number };

function occurrence(w: MaintenanceWindow, at: number, dir: "prev" | "next"): WindowTime {
  // `prev` from just after `at`, so a window starting exactly now counts as started.
  const it = CronExpressionParser.parse(cronOf(w.schedule), { tz: w.timezone, currentDate: new Date(at + 1) });
  const startsAt = (dir === "prev" ? it.prev() : it.next()).getTime();
  return { name: w.name, startsAt, endsAt: startsAt + w.duration };
}

const covers = (w: MaintenanceWindow, check: string, matches: NameMatcher) => w.checks.some((g) => matches(g, check));

/** occurrences are the occurrences (the last started, or the next) of the windows that cover `check`. */
function occurrences(
  windows: readonly MaintenanceWindow[] | undefined,
  check: string,
  now: number,
  matches: NameMatcher,
  dir: "prev" | "next",
): WindowTime[] {
  return (windows ?? []).filter((w) => covers(w, check, matches)).map((w) => occurrence(w, now, dir));
}

/** activeWindow is the window holding `check` at `now` (the one ending last), if any. */
export function activeWindow(
  windows: readonly MaintenanceWindow[] | undefined,
  check: string,
  now: number,
  matches: NameMatcher,
): WindowTime | undefined {
  const open = occurrences(windows, check, now, matches, "prev").filter((o) => now < o.endsAt);
  return open.reduce<WindowTime | undefined>((found, o) => (!found || o.endsAt > found.endsAt ? o : found), undefined);
}

/** nextWindow is the next window to start for `check` after `now`, if any covers it. */
export function nextWindow(
  windows: readonly MaintenanceWindow[] | undefined,
  check: string,
  now: number,
  matches: NameMatcher,
): WindowTime | undefined {
  const next = occurrences(windows, check, now, matches, "next");
  return next.reduce<WindowTime | undefined>(
    (found, o) => (!found || o.startsAt < found.startsAt ? o : found),
    undefined,
  );
}

/** windowHold is the engine's `inMaintenance` for these windows (the engine imports no cron library). */
export function windowHold(windows: readonly MaintenanceWindow[] | undefined, matches: NameMatcher) {
  if (!windows?.length) return undefined;
  return (check: string, now: number) => activeWindow(windows, check, now, matches);
}

/** WindowNow is a window as `status` shows it: its open occurrence, or else its next one. */
export type WindowNow = WindowTime & { checks: readonly string[]; active: boolean };

/** windowsNow lists each configured window: open now (until when) or next (from when). */
export function windowsNow(windows: readonly MaintenanceWindow[] | undefined, now: number): WindowNow[] {
  return (windows ?? []).map((w) => {
    const open = occurrence(w, now, "prev");
    const active = now < open.endsAt;
    return { ...(active ? open : occurrence(w, now, "next")), checks: w.checks, active };
  });
}
