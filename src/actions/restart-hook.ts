import type { RestartConfig } from "../config/schema.js";
import type { RestartOutcome } from "../engine/types.js";
import type { Status } from "../probes/types.js";
import { runCommand } from "../run-command.js";
import { stripControl } from "../text.js";

/** TAIL_LINES is how much of a hook's output the message and state keep. */
const TAIL_LINES = 10;

/** KEPT are the variables of watchdog's environment a hook gets, besides LC_*; the rest may hold secrets. */
const KEPT = new Set(["PATH", "HOME", "LANG", "TZ"]);

/**
 * hookEnv is the environment a restart hook (and the service it starts, which keeps it for its whole life) runs
 * with: PATH, HOME, LANG, LC_* and TZ from watchdog's own, plus the check's `restart.env`. Never SMTP_PASS, tokens
 * or whatever else the env file exported for watchdog.
 */
export function hookEnv(extra: Readonly<Record<string, string>> = {}, from = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(from)) if (v !== undefined && (KEPT.has(k) || k.startsWith("LC_"))) env[k] = v;
  return { ...env, ...extra };
}

/** RestartHookOptions are what a hook run needs from the run around it. */
export type RestartHookOptions = {
  /** The run's deadline: a hook still running when it fires is killed with its group. */
  signal: AbortSignal;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  redact: (s: string) => string;
  /** Where the hook's stdout and stderr go (appended; see runCommand), or "temp" for an unnamed file. */
  outputFile?: string;
};

/**
 * runRestartHook runs a check's restart command (argv, or `sh -c` with shell: true) in its own process group; then
 * waits verify_after and re-probes. The hook ends at its own exit: a service it started (`nohup server &`, `setsid`,
 * a double fork) keeps running and keeps writing to the hook's output file, never to a pipe that would break or
 * fill. Only a hook that itself runs past its timeout (or the run's deadline) is killed, with its group. Never throws.
 */
export async function runRestartHook(
  cfg: RestartConfig,
  reprobe: () => Promise<Status>,
  opts: RestartHookOptions,
): Promise<RestartOutcome> {
  const { command } = cfg;
  const argv = typeof command === "string" ? (cfg.shell ? [command] : command.split(/\s+/).filter(Boolean)) : command;
  const r = await runCommand(argv, {
    shell: cfg.shell,
    timeoutMs: cfg.timeout,
    signal: opts.signal,
    maxOutput: 16 * 1024,
    env: hookEnv(cfg.env),
    outputFile: opts.outputFile ?? "temp",
  });
  const lines = stripControl(r.stdout).trim().split("\n");
  const outputTail = opts.redact(lines.slice(-TAIL_LINES).join("\n"));
  const base = { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, durationMs: r.durationMs, outputTail };
  if (r.spawnError) {
    const { code, message } = r.spawnError;
    const why = code === "ENOENT" ? `command not found: ${argv[0]}` : `${code ?? message}`;
    return { ...base, after: undefined, helped: false, error: why };
  }
  const failed = (error: string): RestartOutcome => ({ ...base, after: undefined, helped: false, error });
  if (r.aborted) return failed("still running when the run's time (run_timeout) ran out; its process group was killed");
  if (r.timedOut) return failed(`did not finish within ${cfg.timeout}ms; its process group was killed`);
  await opts.sleep(cfg.verify_after, opts.signal);
  if (opts.signal.aborted) return failed("the run's time (run_timeout) ran out before the re-probe");
  const after = await reprobe();
  return { ...base, after, helped: after === "ok" };
}
