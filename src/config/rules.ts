import { channelTypes, type ChannelEntry } from "../notify/registry.js";
import { buildCatalog } from "../probes/registry.js";
import { fallbacksNameAChannel, resolveFallbacks, someChannel } from "./rules/channels.js";
import { dependsOnKnown, flapBand, noDependencyCycle, uniqueName } from "./rules/checks.js";
import { globalLadder, ladderNotifies, ownLadder, resolveLadder, restartHasHook } from "./rules/ladders.js";
import { stopHungHasPort, verifyWithinFitsRun } from "./rules/restart.js";
import type { CheckRule, RawCheck, Rule, RuleContext, RuleIssue } from "./rules/types.js";
import type { ChannelConfig, CheckConfig, Config, ProbeFields, RawConfig } from "./schema.js";

export { resolveChannel } from "./rules/channels.js";
export type { RawCheck, Rule, RuleContext, RuleIssue } from "./rules/types.js";

/** CHECK_RULES run for each check in turn, so a check's problems come together, in this order. */
export const CHECK_RULES: readonly CheckRule[] = [
  { name: "check names are unique", check: uniqueName },
  { name: "a check's own ladder is well formed", check: ownLadder },
  { name: "a check's ladder notifies a channel", check: ladderNotifies },
];

/** RULES are the config's errors a schema cannot express, in the order they are reported (within a line). */
export const RULES: readonly Rule[] = [
  { name: "fallbacks name another channel", check: fallbacksNameAChannel },
  { name: "the global ladder is well formed", check: globalLadder },
  { name: "each check", check: (config, ctx) => ctx.checks.flatMap((_, i) => checkProblems(config, ctx, i)) },
  { name: "depends_on names a check", check: dependsOnKnown },
  { name: "flap.low is below flap.high", check: flapBand },
  { name: "no dependency cycle", check: noDependencyCycle },
  { name: "stop_hung has a port", check: stopHungHasPort },
  { name: "causes are valid", check: (_config, ctx) => [...ctx.causeIssues] },
];

/** WARNINGS are what is allowed but said. */
export const WARNINGS: readonly Rule[] = [
  { name: "a restart step has a hook", check: restartHasHook },
  { name: "verify_within fits in run_timeout", check: verifyWithinFitsRun },
  { name: "some channel is configured", check: someChannel },
];

function checkProblems(config: RawConfig, ctx: RuleContext, i: number): RuleIssue[] {
  return CHECK_RULES.flatMap((rule) => rule.check(config, ctx, i));
}

/**
 * resolveConfig applies the rules a schema cannot express (unique names, references between checks and channels,
 * ladder order, dependency cycles) and fills derived defaults (host, log file, each check's ladder).
 */
export function resolveConfig(
  raw: RawConfig,
  opts: { file: string; hostname: string; defaultLadder?: boolean },
): { config: Config; errors: RuleIssue[]; warnings: RuleIssue[] } {
  const channels = withDefaults(raw.channels);
  // The config's causes are checked here; the run builds the catalog it hands to the log probe (run-check.ts).
  const { issues } = buildCatalog(raw.causes, raw.disable_causes);
  const builtInLadder = !!opts.defaultLadder;
  const ctx: RuleContext = { checks: rawChecks(raw), channels, builtInLadder, causeIssues: issues };
  const errors = RULES.flatMap((rule) => rule.check(raw, ctx));
  const warnings = WARNINGS.flatMap((rule) => rule.check(raw, ctx));
  return { config: resolve(raw, ctx, opts), errors, warnings };
}

/**
 * rawChecks is the config's checks with the fields every check has typed. The schema validated them
 * (schema.ts `checkCommon`), but the union it builds from the probe registry is inferred as a plain record.
 */
function rawChecks(raw: RawConfig): RawCheck[] {
  return raw.checks as RawCheck[];
}

/** withDefaults is each channel with its type's min_severity when it sets none (SMS: critical). */
function withDefaults(raw: RawConfig["channels"]): Record<string, ChannelConfig> {
  // No prototype: a channel named `constructor` or `toString` is looked up as itself, never as Object's method.
  const channels = Object.create(null) as Record<string, ChannelConfig>;
  for (const [name, ch] of Object.entries(raw)) {
    const entry = (channelTypes as Record<string, ChannelEntry>)[String(ch.type)];
    const own = ch as ChannelConfig;
    channels[name] = { ...own, min_severity: own.min_severity ?? entry?.minSeverity ?? "warning" };
  }
  return channels;
}

/** resolve is the config every command works with: references resolved to channel names, each check's ladder. */
function resolve(raw: RawConfig, ctx: RuleContext, opts: { file: string; hostname: string }): Config {
  const channels = Object.create(null) as Record<string, ChannelConfig>;
  for (const [name, ch] of Object.entries(ctx.channels)) {
    channels[name] = { ...ch, fallback: resolveFallbacks(name, ch.fallback, ctx.channels) };
  }
  const escalation = resolveLadder(raw.escalation, ctx.channels, ctx.builtInLadder);
  const checks = ctx.checks.map((check): CheckConfig => ({
    // zod parsed this check by its type's schema (the union is composed from the probe registry), so its type is a
    // registered one and its fields are that probe's: the one place where that fact is stated.
    ...(check as RawCheck & ProbeFields),
    escalation: check.escalation ? resolveLadder(check.escalation, ctx.channels, false) : escalation,
    repeat_every: check.repeat_every ?? raw.repeat_every,
    recover_after: check.recover_after ?? raw.recover_after,
    restart: check.restart,
    runbook: check.runbook,
  }));
  return { ...raw, host: raw.host ?? opts.hostname, escalation, channels, checks, source: opts.file };
}
