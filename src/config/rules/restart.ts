import { probeOf } from "../../probes/registry.js";
import type { RawConfig } from "../schema.js";
import type { RuleContext, RuleIssue } from "./types.js";

/** stopHungHasPort: stop_hung ends what listens on the check's port, so the check must have one (tcp, http). */
export function stopHungHasPort(_config: RawConfig, ctx: RuleContext): RuleIssue[] {
  return ctx.checks.flatMap((c, i) => {
    if (!c.restart?.stop_hung || probeOf(c.type)?.port) return [];
    const message = "ends what listens on the check's port: only tcp and http checks have one; use `stop:` instead";
    return [{ path: ["checks", i, "restart", "stop_hung"], message }];
  });
}

/** verifyWithinFitsRun (a warning): re-probing stops before the run's time ends, whatever verify_within says. */
export function verifyWithinFitsRun(config: RawConfig, ctx: RuleContext): RuleIssue[] {
  return ctx.checks.flatMap((c, i) => {
    const within = c.restart?.verify_within;
    if (within === undefined || within + (c.restart?.verify_after ?? 0) < config.run_timeout) return [];
    const message =
      `re-probing stops before run_timeout (${config.run_timeout / 1000}s) ends: ` +
      "raise run_timeout (and keep cron's interval above it) for a service that takes this long";
    return [{ path: ["checks", i, "restart", "verify_within"], message }];
  });
}
