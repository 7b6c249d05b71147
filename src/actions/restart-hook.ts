import type { RestartConfig } from "../config/schema.js";
import type { RestartOutcome } from "../engine/types.js";
import type { Status } from "../probes/types.js";
import { runCommand } from "../run-command.js";

/** TAIL_LINES is how much of a hook's output the message and state keep. */
const TAIL_LINES = 10;

/**
 * runRestartHook runs a check's restart command (argv, or `sh -c` with shell: true) in its own process group,
 * killed whole at the timeout; then waits verify_after and re-probes. It never throws.
 */
export async function runRestartHook(
  cfg: RestartConfig,
  reprobe: () => Promise<Status>,
  opts: { signal: AbortSignal; sleep: (ms: number, signal?: AbortSignal) => Promise<void>; redact: (s: string) => string },
): Promise<RestartOutcome> {
  const argv = typeof cfg.command === "string" ? (cfg.shell ? [cfg.command] : cfg.command.split(/\s+/).filter(Boolean)) : cfg.command;
  const r = await runCommand(argv, { shell: cfg.shell, timeoutMs: cfg.timeout, signal: opts.signal, maxOutput: 16 * 1024 });
  const outputTail = opts.redact(`${r.stdout}${r.stderr ? `\n${r.stderr}` : ""}`.trim().split("\n").slice(-TAIL_LINES).join("\n"));
  const base = { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, durationMs: r.durationMs, outputTail };
  if (r.spawnError) {
    const why = r.spawnError.code === "ENOENT" ? `command not found: ${argv[0]}` : `${r.spawnError.code ?? r.spawnError.message}`;
    return { ...base, after: undefined, helped: false, error: why };
  }
  if (r.timedOut) return { ...base, after: undefined, helped: false, error: `did not finish within ${cfg.timeout}ms; its process group was killed` };
  await opts.sleep(cfg.verify_after, opts.signal);
  const after = await reprobe();
  return { ...base, after, helped: after === "ok" };
}
