/** FlapConfig is the hysteresis of flap detection, in percent of state changes (Nagios: start above high, stop below low). */
export type FlapConfig = { enabled: boolean; high: number; low: number };

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
 * flapTransition says whether flapping starts or stops this run:
 *   not flapping, share > high   -> "start"
 *   flapping,     share < low    -> "stop"
 *   otherwise                    -> undefined (stays as it was: the band between low and high is the hysteresis)
 */
export function flapTransition(wasFlapping: boolean, share: number, cfg: FlapConfig): "start" | "stop" | undefined {
  if (!cfg.enabled) return wasFlapping ? "stop" : undefined;
  if (!wasFlapping && share > cfg.high) return "start";
  if (wasFlapping && share < cfg.low) return "stop";
  return undefined;
}
