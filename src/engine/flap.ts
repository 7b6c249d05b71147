import type { EngineCheck, FlapConfig } from "./config.js";
import type { Status } from "../probes/types.js";
import { notifyItem, severityOf, takes, type CheckRun, type Said } from "./items.js";
import { freshIncident, type CheckState, type Incident, type Severity } from "./types.js";

/** FLAP_OFF is used when a config has no `flap:` (hand-built engine configs in tests). */
export const FLAP_OFF: FlapConfig = { enabled: false, high: 50, low: 25 };

/**
 * flapShare is the share of state changes among the last 21 results ("o"/"x"), in percent of the 20 possible
 * changes. A short history is divided by the full window too, so a check needs at least 11 changes to reach 50%.
 */
export function flapShare(recent: string, window = 21): number {
  const r = recent.slice(-window);
  let changes = 0;
  for (let i = 1; i < r.length; i++) if (r[i] !== r[i - 1]) changes++;
  return Math.round((changes / (window - 1)) * 100);
}

/**
 * outageRuns is how many failing runs in a row make a flapping check an outage: the first step's `after`, at least 3
 * (fewer would end an episode on the short failing streaks that flapping is made of).
 */
export function outageRuns(check: EngineCheck): number {
  return Math.max(3, check.escalation[0]?.after ?? 0);
}

/** FlapTurn is how a check's flapping changes this run. */
export type FlapTurn = "start" | "stop" | "outage" | undefined;

/**
 * flapTransition says whether flapping starts or stops this run (`down`: failing outageRuns in a row):
 *   flapping,     down           -> "outage" (flapping never hides a check that stays down)
 *   not flapping, down           -> undefined (a check that stays down does not start flapping)
 *   not flapping, share > high   -> "start"
 *   flapping,     share < low    -> "stop"
 *   otherwise                    -> undefined (stays as it was: the band between low and high is the hysteresis)
 */
export function flapTransition(wasFlapping: boolean, share: number, cfg: FlapConfig, down = false): FlapTurn {
  if (!cfg.enabled) return wasFlapping ? "stop" : undefined;
  if (down) return wasFlapping ? "outage" : undefined;
  if (!wasFlapping && share > cfg.high) return "start";
  if (wasFlapping && share < cfg.low) return "stop";
  return undefined;
}

/**
 * FlapStep is this run's flap state of a check and the notice it gives (when flapping starts or stops). `outage`
 * lists the channels told it flaps when the episode ends as an outage: the ladder speaks then, not a notice.
 */
export type FlapStep = { flapping: FlapState | undefined; items: Said[]; outage?: string[] };
type FlapState = NonNullable<CheckState["flapping"]>;

/**
 * flapStep moves a check's flap state: one notice when flapping starts (to the first step's channels and every
 * channel told, those that take its severity), one "stable again" to the same channels when it stops; quiet in
 * between. A silenced check changes state without a notice. `before` is the state of the previous run.
 */
export function flapStep(run: CheckRun, before: CheckState | undefined, flap: FlapConfig, silenced: boolean): FlapStep {
  const { state: s, result: r, check, now } = run;
  const share = flapShare(s.recent);
  const down = r.status !== "ok" && s.failStreak >= outageRuns(check);
  const turn = flapTransition(!!before?.flapping, share, flap, down);
  if (turn === "outage") return { flapping: undefined, items: [], outage: before!.flapping!.told };
  const severity = flapSeverity(before, s, r.status);
  let flapping = before?.flapping && turn !== "stop" ? { ...before.flapping, share } : undefined;
  if (turn === "start") {
    const told = [...new Set([...(check.escalation[0]?.notify ?? []), ...(s.incident?.notified ?? [])])];
    flapping = { since: now, share, told: told.filter((c) => takes(run.channels, c, severity)) };
  }
  if (!turn || silenced) return { flapping, items: [] };
  const inc: Incident = s.incident ?? freshIncident("", s.since, severity, undefined);
  const told = turn === "start" ? flapping!.told : before!.flapping!.told;
  const notice = turn === "start" ? "flapping" : "stable";
  const extra = { severity, notice, flapShare: share } as const;
  return { flapping, items: told.map((channel) => ({ channel, item: notifyItem(run, inc, "step", 0, extra) })) };
}

/**
 * flapSeverity is the severity the check flaps to (its incident's worst, else its last failing status), not that
 * of "ok": a warning-level check flapping ("disk 85%") must not reach a min_severity: critical channel at all, nor
 * pass quiet hours as critical.
 */
function flapSeverity(before: CheckState | undefined, s: CheckState, status: Status): Severity {
  const worst = [s.incident?.peak, status !== "ok" ? severityOf(status) : undefined];
  if (worst.includes("critical")) return "critical";
  if (worst.includes("warning")) return "warning";
  return before && before.status !== "ok" ? severityOf(before.status) : "warning";
}
