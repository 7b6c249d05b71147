import type { PathKey } from "../locate.js";
import type { ChannelConfig, RawConfig, RestartConfig, Step } from "../schema.js";

/** RuleIssue is a cross-field problem with the config path it concerns. */
export type RuleIssue = { path: PathKey[]; message: string };

/**
 * RawCheck is one entry of `checks:` as the schema validated it, before its ladder is resolved: the fields every
 * check has (schema.ts `checkCommon`), and its probe type's own fields untouched.
 */
export type RawCheck = Record<string, unknown> & {
  name: string;
  type: string;
  escalation?: Step[];
  repeat_every?: number;
  recover_after?: number;
  restart?: RestartConfig;
  depends_on: string[];
  labels: Record<string, string>;
  runbook?: string;
};

/** RuleContext is what the rules read besides the raw config: its checks typed, channels with their defaults. */
export type RuleContext = {
  checks: readonly RawCheck[];
  channels: Readonly<Record<string, ChannelConfig>>;
  /** No `escalation:` in the file: the built-in ladder, whose missing channels mean "every channel". */
  builtInLadder: boolean;
  /** What the log probe's cause catalog refused of the config's `causes:` and `disable_causes:`. */
  causeIssues: readonly RuleIssue[];
};

/** Rule is one named cross-field check of the config (changesets' style): it returns its problems, in order. */
export type Rule = { name: string; check: (config: RawConfig, ctx: RuleContext) => RuleIssue[] };

/** CheckRule is a rule about one check (`checks[i]`); the checks rule runs each of them per check, in order. */
export type CheckRule = { name: string; check: (config: RawConfig, ctx: RuleContext, i: number) => RuleIssue[] };
