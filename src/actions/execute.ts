import path from "node:path";
import type { Config, RestartConfig } from "../config/schema.js";
import type { Deps } from "../deps.js";
import type { Action, RestartOutcome } from "../engine/types.js";
import type { Redactor } from "../notify/redact.js";
import type { Catalog } from "../probes/log/causes.js";
import { listeners } from "../probes/port-owner.js";
import { runProbe } from "../probes/run.js";
import { runRestartHook } from "./restart-hook.js";
import { heldBy, portOf, redactStep, stopFirst } from "./stop-first.js";

/** VERIFY_WITHIN_DEFAULT is how long a restarted check may take to pass: a large model loads for minutes. */
export const VERIFY_WITHIN_DEFAULT = 3 * 60_000;
const VERIFY_AFTER_DEFAULT = 15_000;

/**
 * verifyTimes fills in when to re-probe: from verify_after (15s) to verify_within (3m). A config that sets only
 * verify_after was written for one re-probe then, and keeps it.
 */
export function verifyTimes(r: RestartConfig): { verify_after: number; verify_within: number } {
  const after = r.verify_after ?? VERIFY_AFTER_DEFAULT;
  return { verify_after: after, verify_within: r.verify_within ?? r.verify_after ?? VERIFY_WITHIN_DEFAULT };
}

/** RestartDone is one restart this run made and what came of it. */
export type RestartDone = { check: string; outcome: RestartOutcome };

/**
 * executeRestarts runs the restart hook of each check decide asked to restart, side by side, inside the run's
 * budget (`signal`); each hook re-probes its check with that check's probe memory (`probes`) from verify_after
 * until it passes or verify_within ends (by `verifyBy` at the latest).
 * Never throws: a hook that fails is an outcome.
 */
export async function executeRestarts(
  actions: readonly Action[],
  config: Pick<Config, "checks" | "state_file">,
  probes: Readonly<Record<string, unknown>>,
  deps: Deps,
  opts: { signal: AbortSignal; redact: Redactor; catalog?: Catalog; verifyBy?: number },
): Promise<RestartDone[]> {
  const names = actions.flatMap((a) => (a.type === "restart" ? [a.check] : []));
  return Promise.all(
    names.map(async (name) => {
      const check = config.checks.find((c) => c.name === name)!;
      deps.logger.info({ event: "restart", check: name }, "running restart hook");
      const reprobe = async () => (await runProbe(check, probes[name], deps, opts.signal, opts.catalog)).result.status;
      const cfg = { ...check.restart!, ...verifyTimes(check.restart!) };
      const port = cfg.stop_hung ? undefined : portOf(check);
      const before = port === undefined ? [] : listeners(port);
      const stopped = await stopFirst(check, cfg, opts.signal);
      const hooked = await runRestartHook(cfg, reprobe, {
        signal: opts.signal,
        sleep: deps.sleep,
        redact: opts.redact,
        outputFile: hookOutputFile(config.state_file, name),
        verifyBy: opts.verifyBy,
      });
      const hint = hooked.helped || hooked.error || cfg.stop_hung ? undefined : heldBy(check, before);
      const said = stopped.map((s) => redactStep(s, opts.redact));
      const outcome = { ...hooked, ...(said.length ? { stopped: said } : {}), ...(hint ? { hint } : {}) };
      const { exitCode, helped, durationMs: ms, error } = outcome;
      deps.logger.info({ event: "restart_done", check: name, exitCode, helped, ms, error }, "restart hook finished");
      return { check: name, outcome };
    }),
  );
}

/**
 * hookOutputFile is where a check's restart hook writes, beside the state file (and, like nohup.out, a service it
 * starts without redirecting its output).
 */
export function hookOutputFile(stateFile: string, check: string): string {
  const safe = check.replace(/[^\w.@-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return path.join(path.dirname(stateFile), `restart-${safe}.out`);
}
