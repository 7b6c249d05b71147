import type { NameMatcher } from "./silence.js";
import type { Severity } from "./types.js";

/*
 * What the engine reads of the config, in its own words: the validated config (config/schema.ts) fits these types
 * as it is, so run-check hands it over unchanged, and the engine need not know how a config is written or checked.
 */

/** EngineStep is one rung of a check's escalation ladder. */
export type EngineStep = {
  /** Consecutive failing runs (or failures within the last `within` runs) that reach this step. */
  after: number;
  within?: number | undefined;
  notify: readonly string[];
  restart: boolean;
};

/** EngineRestart is the part of a check's restart hook the engine counts: how many restarts within how long. */
export type EngineRestart = { limit: { max: number; within: number } };

/** EngineCheck is one check as the engine reads it (its probe's own fields are the probe's). */
export type EngineCheck = {
  name: string;
  escalation: readonly EngineStep[];
  repeat_every: number;
  recover_after: number;
  restart: EngineRestart | undefined;
  depends_on: readonly string[];
  labels: Readonly<Record<string, string>>;
  runbook: string | undefined;
  /** The longest a restarted check's failures are held while it loads (warmup.ts); 0 turns it off. */
  start_grace?: number | undefined;
};

/** EngineChannel is what the engine reads of a channel: the least severity it takes. */
export type EngineChannel = { min_severity?: Severity | undefined };

/** FlapConfig is flap detection's hysteresis, in % of state changes (Nagios: start above high, stop below low). */
export type FlapConfig = { enabled: boolean; high: number; low: number };

/** EngineConfig is the part of the config the engine reads; `flap` off and `expected_interval` 2m when absent. */
export type EngineConfig = {
  checks: readonly EngineCheck[];
  channels: Readonly<Record<string, EngineChannel>>;
  flap?: FlapConfig;
  expected_interval?: number;
  /** How a silence pattern names checks: src/glob.ts's matchGlob, handed in (the engine imports nothing). */
  matchName?: NameMatcher;
  /** Cause ids a restart cannot fix (the cause catalog's `restartHelps: false`): no restart, a person paged at once. */
  restartCannotFix?: readonly string[];
  /** The maintenance window holding a check at a time, if any (src/config/windows.ts, handed in like matchName). */
  inMaintenance?: ((check: string, now: number) => { name: string; endsAt: number } | undefined) | undefined;
};
