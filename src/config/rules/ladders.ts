import type { PathKey } from "../locate.js";
import type { ChannelConfig, RawConfig, Step } from "../schema.js";
import { resolveChannel, unknownChannel } from "./channels.js";
import type { RuleContext, RuleIssue } from "./types.js";

type Channels = Readonly<Record<string, ChannelConfig>>;

/**
 * resolveLadder turns each step's channel references into channel names. The built-in ladder (no `escalation:` in
 * the file) names email, sms and dingtalk: a reference to a channel that is not configured notifies every
 * configured channel instead, so a one-channel setup hears every step. Elsewhere an unknown reference is a problem
 * (ladderProblems) and names nobody.
 */
export function resolveLadder(ladder: readonly Step[], channels: Channels, builtIn: boolean): Step[] {
  const all = Object.keys(channels);
  return ladder.map((step) => {
    const notify = step.notify.flatMap((ref) => {
      const target = resolveChannel(ref, channels);
      return target ? [target] : builtIn ? all : [];
    });
    return { ...step, notify: [...new Set(notify)] };
  });
}

/**
 * ladderProblems: steps in increasing order of `after`; `within` at least `after`; every reference names a channel
 * (a ladder reference that names no channel would lose every alert of its step).
 */
export function ladderProblems(
  ladder: readonly Step[],
  at: PathKey[],
  channels: Channels,
  builtIn: boolean,
): RuleIssue[] {
  const out: RuleIssue[] = [];
  for (let i = 1; i < ladder.length; i++) {
    if (ladder[i]!.after <= ladder[i - 1]!.after) {
      out.push({ path: [...at, i, "after"], message: "steps must be in increasing order of `after`" });
    }
  }
  ladder.forEach((step, i) => {
    if (step.within !== undefined && step.within < step.after) {
      const message = `within (${step.within}) must be at least after (${step.after})`;
      out.push({ path: [...at, i, "within"], message });
    }
    step.notify.forEach((ref, j) => {
      if (!resolveChannel(ref, channels) && !builtIn) {
        out.push({ path: [...at, i, "notify", j], message: unknownChannel(ref, channels) });
      }
    });
  });
  return out;
}

/** globalLadder: the top-level `escalation:` is well formed. */
export function globalLadder(config: RawConfig, ctx: RuleContext): RuleIssue[] {
  return ladderProblems(config.escalation, ["escalation"], ctx.channels, ctx.builtInLadder);
}

/** ownLadder: a check's own `escalation:` is well formed. */
export function ownLadder(_config: RawConfig, ctx: RuleContext, i: number): RuleIssue[] {
  const own = ctx.checks[i]!.escalation;
  return own ? ladderProblems(own, ["checks", i, "escalation"], ctx.channels, false) : [];
}

/**
 * ladderNotifies: channels exist, yet no step of the check's ladder names one, so its alerts would go nowhere. The
 * global ladder is said once, at the first check that uses it; a ladder already refused for a bad reference (or
 * order) is not refused again.
 */
export function ladderNotifies(config: RawConfig, ctx: RuleContext, i: number): RuleIssue[] {
  const all = Object.keys(ctx.channels);
  if (!all.length) return [];
  const check = ctx.checks[i]!;
  const own = check.escalation;
  if (!own && ctx.checks.findIndex((c) => !c.escalation) !== i) return [];
  const at: PathKey[] = own ? ["checks", i, "escalation"] : ["escalation"];
  const builtIn = !own && ctx.builtInLadder;
  const ladder = own ?? config.escalation;
  if (ladderProblems(ladder, at, ctx.channels, builtIn).length) return [];
  if (resolveLadder(ladder, ctx.channels, builtIn).some((s) => s.notify.length)) return [];
  const whose = own ? `check ${JSON.stringify(check.name)}` : "the checks that use it";
  const message =
    `no step of this ladder notifies a channel, so nobody would hear of ${whose} ` + `(configured: ${all.join(", ")})`;
  return [{ path: at, message }];
}

/** restartHasHook (a warning): a step says restart: true, but the check has no `restart:` hook to run. */
export function restartHasHook(_config: RawConfig, ctx: RuleContext): RuleIssue[] {
  return ctx.checks.flatMap((c, i) => {
    if (!c.escalation?.some((s) => s.restart) || c.restart) return [];
    const message = "a step says restart: true but the check has no `restart:` hook";
    return [{ path: ["checks", i, "escalation"], message }];
  });
}
