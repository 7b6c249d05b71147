import { channelTypes, TYPE_ALIASES, type ChannelEntry } from "../notify/registry.js";
import { buildCatalog, useCatalog } from "../probes/registry.js";
import { closest, type PathKey } from "./locate.js";
import type { ChannelConfig, CheckConfig, Config, RawConfig, Step } from "./schema.js";

/** RuleIssue is a cross-field problem with the config path it concerns. */
export type RuleIssue = { path: PathKey[]; message: string };

/**
 * resolveConfig applies the rules a schema cannot express (unique names, references between checks and channels,
 * ladder order, dependency cycles) and fills derived defaults (host, log file, each check's ladder).
 */
export function resolveConfig(raw: RawConfig, ctx: { file: string; hostname: string; defaultLadder?: boolean }): { config: Config; errors: RuleIssue[]; warnings: RuleIssue[] } {
  const errors: RuleIssue[] = [];
  const warnings: RuleIssue[] = [];
  // No prototype: a channel named `constructor` or `toString` is looked up as itself, never as Object's method.
  const channels = Object.create(null) as Record<string, ChannelConfig>;
  for (const [name, ch] of Object.entries(raw.channels)) {
    const entry = (channelTypes as Record<string, ChannelEntry>)[String(ch.type)];
    channels[name] = { ...(ch as ChannelConfig), min_severity: (ch as ChannelConfig).min_severity ?? entry?.minSeverity ?? "warning" };
  }
  for (const [name, ch] of Object.entries(channels)) {
    ch.fallback.forEach((f, i) => {
      const target = resolveChannel(f, channels);
      if (!target) errors.push({ path: ["channels", name, "fallback", i], message: unknownChannel(f, channels) });
      else if (target === name) errors.push({ path: ["channels", name, "fallback", i], message: "a channel cannot fall back to itself" });
      else ch.fallback[i] = target;
    });
  }

  // A ladder reference that names no channel would lose every alert of its step: an error, with "did you mean".
  // The built-in ladder (no `escalation:` in the file) names email, sms and dingtalk; a step whose channels are not
  // all configured notifies every configured channel instead, so a one-channel setup hears every step.
  const all = Object.keys(channels);
  const resolveLadder = (ladder: Step[], at: PathKey[]): Step[] => {
    for (let i = 1; i < ladder.length; i++) {
      if (ladder[i]!.after <= ladder[i - 1]!.after) errors.push({ path: [...at, i, "after"], message: "steps must be in increasing order of `after`" });
    }
    const builtIn = ctx.defaultLadder && at.length === 1;
    return ladder.map((step, i) => {
      if (step.within !== undefined && step.within < step.after) errors.push({ path: [...at, i, "within"], message: `within (${step.within}) must be at least after (${step.after})` });
      const notify: string[] = [];
      step.notify.forEach((ref, j) => {
        const target = resolveChannel(ref, channels);
        if (target) notify.push(target);
        else if (builtIn) notify.push(...all);
        else errors.push({ path: [...at, i, "notify", j], message: unknownChannel(ref, channels) });
      });
      return { ...step, notify: [...new Set(notify)] };
    });
  };

  const before = errors.length;
  const globalLadder = resolveLadder(raw.escalation, ["escalation"]);
  // A ladder already refused for a bad reference is not refused again for notifying nobody.
  const silentGlobal = { told: errors.length > before };
  const names = new Map<string, number>();
  const checks: CheckConfig[] = raw.checks.map((c, i) => {
    const check = c as unknown as CheckConfig & { escalation?: Step[]; repeat_every?: number; recover_after?: number; restart?: CheckConfig["restart"]; runbook?: string };
    if (names.has(check.name)) errors.push({ path: ["checks", i, "name"], message: `duplicate check name "${check.name}" (also checks[${names.get(check.name)}])` });
    names.set(check.name, i);
    const ownBefore = errors.length;
    const own = check.escalation ? resolveLadder(check.escalation, ["checks", i, "escalation"]) : undefined;
    const ownBad = errors.length > ownBefore;
    if (own?.some((s) => s.restart) && !check.restart) {
      warnings.push({ path: ["checks", i, "escalation"], message: "a step says restart: true but the check has no `restart:` hook" });
    }
    // Channels exist, yet no step of this check's ladder names one: its alerts would go nowhere.
    const ladder = own ?? globalLadder;
    if (all.length && !ladder.some((s) => s.notify.length) && (own ? !ownBad : !silentGlobal.told)) {
      if (!own) silentGlobal.told = true;
      const whose = own ? `check ${JSON.stringify(check.name)}` : "the checks that use it";
      errors.push({ path: own ? ["checks", i, "escalation"] : ["escalation"], message: `no step of this ladder notifies a channel, so nobody would hear of ${whose} (configured: ${all.join(", ")})` });
    }
    return {
      ...check,
      escalation: ladder,
      repeat_every: check.repeat_every ?? raw.repeat_every,
      recover_after: check.recover_after ?? raw.recover_after,
      restart: check.restart,
      runbook: check.runbook,
    };
  });
  checks.forEach((c, i) =>
    c.depends_on.forEach((d, j) => {
      if (!names.has(d)) errors.push({ path: ["checks", i, "depends_on", j], message: `unknown check "${d}"` });
      else if (d === c.name) errors.push({ path: ["checks", i, "depends_on", j], message: "a check cannot depend on itself" });
    }),
  );
  // Allowed (trying watchdog out), but said: a failing check would be printed and nobody told.
  if (!all.length && checks.length) warnings.push({ path: [], message: "no channels are configured: a failing check is printed, and nobody is told (add one under `channels:`)" });
  if (raw.flap.low >= raw.flap.high) errors.push({ path: ["flap", "low"], message: `flap.low (${raw.flap.low}) must be below flap.high (${raw.flap.high})` });
  const cycle = findCycle(checks);
  if (cycle) errors.push({ path: ["checks", names.get(cycle[0]!)!, "depends_on"], message: `dependency cycle: ${cycle.join(" -> ")}` });

  // The log probe's cause catalog: the built-in one with the config's causes merged in. It is installed only for a
  // config without errors, so a rejected reload keeps the catalog of the config still running.
  const { catalog, issues } = buildCatalog(raw.causes, raw.disable_causes);
  errors.push(...issues);
  if (errors.length === 0) useCatalog(catalog);

  const config: Config = {
    ...raw,
    host: raw.host ?? ctx.hostname,
    escalation: globalLadder,
    channels,
    checks,
    source: ctx.file,
  };
  return { config, errors, warnings };
}

/** resolveChannel maps a ladder reference to a channel name: by name, else the only channel of that type (or alias). */
export function resolveChannel(ref: string, channels: Record<string, ChannelConfig>): string | undefined {
  if (channels[ref]) return ref;
  const type = TYPE_ALIASES[ref] ?? ref;
  const ofType = Object.entries(channels).filter(([, c]) => c.type === type);
  return ofType.length === 1 ? ofType[0]![0] : undefined;
}

/** unknownChannel says a reference names no channel, with the closest name or type alias and what is configured. */
function unknownChannel(ref: string, channels: Record<string, ChannelConfig>): string {
  const names = Object.keys(channels);
  const words = [...names, ...Object.values(channels).map((c) => c.type), ...Object.keys(TYPE_ALIASES)];
  const hint = closest(ref, words);
  const usable = hint && resolveChannel(hint, channels) ? hint : undefined;
  const ofType = Object.entries(channels).filter(([, c]) => c.type === (TYPE_ALIASES[ref] ?? ref)).map(([n]) => n);
  const why = ofType.length > 1 ? ` (${ofType.length} channels have that type: name one of ${ofType.join(", ")})` : "";
  const list = names.length ? ` (configured: ${names.join(", ")})` : " (no channels are configured)";
  return `unknown channel "${ref}"${why}${usable ? `; did you mean "${usable}"?` : ""}${why ? "" : list}: alerts for it would be lost`;
}

function findCycle(checks: CheckConfig[]): string[] | undefined {
  const deps = new Map(checks.map((c) => [c.name, c.depends_on]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === "done") return undefined;
    if (state.get(n) === "visiting") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "visiting");
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const found = deps.has(d) ? visit(d) : undefined;
      if (found) return found;
    }
    stack.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const c of checks) {
    const found = visit(c.name);
    if (found) return found;
  }
  return undefined;
}
