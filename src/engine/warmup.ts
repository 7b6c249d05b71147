import type { ProbeResult } from "../probes/types.js";
import type { CheckState, NotifyItem, Warmup } from "./types.js";

/** DEFAULT_START_GRACE is the longest a restarted service's failures are held while it loads (`start_grace`). */
export const DEFAULT_START_GRACE = 5 * 60_000;
/** The least margin on top of the last load time: cron runs every 2 minutes, a load varies a little. */
const MARGIN_MIN = 30_000;
/** A start this far "in the future" is another clock's (a test clock, a stepped clock), not a fresh start. */
const SKEW_MS = 5_000;
/** Two starts this close are one (/proc counts in 1/100 s); a stepped clock moves btime, but not to a recent start. */
const SAME_MS = 50;

/** WarmStep is the check's warm-up memory after this run, and the start it is warming up from, if it is. */
export type WarmStep = { warmup: Warmup | undefined; warming: number | undefined };

/**
 * holdFor is how long after a start a failing check is held: the last load time plus a quarter (at least 30 s),
 * never more than start_grace; start_grace itself before any load has been measured.
 */
export function holdFor(grace: number, loadMs: number | undefined): number {
  if (loadMs === undefined) return grace;
  return Math.min(grace, loadMs + Math.max(MARGIN_MIN, loadMs / 4));
}

/**
 * warmStep decides whether a failing check is still warming up after a restart (watchdog's or the system's: the
 * process it watches has a start other than the one seen before, and lately), and measures how long a load takes:
 *   fails, a new start within holdFor, failing since within grace      -> warming: held, the start kept as `waiting`
 *   passes after warming                                             -> loadMs = now - that start (kept)
 *   fails past the hold                                              -> not warming; the ladder climbs as usual
 * The start is this run's (`result.started`) or, with no process to see (it died, or has not bound its port yet),
 * the last one seen. A stopped process (SIGSTOP) hangs: it is never warming up. Failing since longer than
 * start_grace bounds the hold: a crash loop starts afresh every run. The first start ever seen is no restart: a
 * service found failing when watchdog is installed (or its state is lost) is alerted on at once.
 */
export function warmStep(
  before: CheckState | undefined,
  r: ProbeResult,
  since: number,
  now: number,
  grace: number,
): WarmStep {
  const prev = before?.warmup;
  const start = r.started?.at ?? prev?.start;
  const cmd = r.started?.cmd ?? prev?.cmd;
  const next: Warmup = {
    ...(start !== undefined ? { start } : {}),
    ...(cmd !== undefined ? { cmd } : {}),
    ...(prev?.loadMs !== undefined ? { loadMs: prev.loadMs } : {}),
  };
  const failing = r.status !== "ok";
  const same = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && Math.abs(a - b) <= SAME_MS;
  const restarted = (prev?.start !== undefined && !same(start, prev.start)) || same(start, prev?.waiting);
  const warming =
    failing &&
    grace > 0 &&
    restarted &&
    !r.started?.stopped &&
    start !== undefined &&
    now - start > -SKEW_MS &&
    now - start < holdFor(grace, prev?.loadMs) &&
    now - Math.min(start, since) < grace;
  if (warming) next.waiting = start;
  else if (!failing && prev?.waiting !== undefined) next.loadMs = Math.max(0, now - prev.waiting);
  return { warmup: Object.keys(next).length ? next : undefined, warming: warming ? start : undefined };
}

/** notBack is what the first alert after a warm-up says: restarted this long ago, back after loadMs last time. */
export function notBack(w: Warmup | undefined, now: number): NonNullable<NotifyItem["notBack"]> {
  const agoMs = Math.max(0, now - (w?.start ?? now));
  return w?.loadMs !== undefined ? { agoMs, loadMs: w.loadMs } : { agoMs };
}
