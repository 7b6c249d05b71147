import fs from "node:fs";
import type { RestartConfig } from "../config/schema.js";
import type { RestartOutcome } from "../engine/types.js";
import type { Status } from "../probes/types.js";
import { monotonicMs } from "../core/monotonic.js";
import { runCommand } from "../run-command.js";
import { stripControl } from "../text.js";

/** POLL_MS is how often a restarted check is re-probed while it may still be loading. */
const POLL_MS = 2000;

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
  /** Monotonic time by which re-probing stops, whatever verify_within says (the run's sends need the rest). */
  verifyBy?: number;
};

/**
 * runRestartHook runs a check's restart command (argv, or `sh -c` with shell: true) in its own process group; then
 * waits verify_after and re-probes, every POLL_MS until the check passes or verify_within (from the hook's exit)
 * ends. The hook ends at its own exit: a service it started (`nohup server &`, `setsid`, a double fork) keeps
 * running and keeps writing to the hook's output file, never to a pipe that would break or fill. Only a hook that
 * itself runs past its timeout (or the run's deadline) is killed, with its group. Never throws.
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
    return { ...base, after: undefined, helped: false, error: spawnFailure(r.spawnError, argv[0] ?? "") };
  }
  const failed = (error: string): RestartOutcome => ({ ...base, after: undefined, helped: false, error });
  if (r.aborted) return failed("still running when the run's time (run_timeout) ran out; its process group was killed");
  if (r.timedOut) return failed(`did not finish within ${cfg.timeout}ms; its process group was killed`);
  const exited = monotonicMs();
  await opts.sleep(cfg.verify_after ?? 0, opts.signal);
  if (opts.signal.aborted) return failed("the run's time (run_timeout) ran out before the re-probe");
  // A model server binds only once its weights are loaded: re-probe until it passes or verify_within is spent, and
  // stop early enough (verifyBy) for this run's messages still to go out.
  const until = Math.min(exited + (cfg.verify_within ?? 0), opts.verifyBy ?? Infinity);
  for (;;) {
    const after = await reprobe();
    const elapsed = Math.round(monotonicMs() - exited);
    if (after === "ok") return { ...base, after, helped: true, backAfterMs: elapsed };
    const left = until - monotonicMs();
    if (opts.signal.aborted || left <= 0) {
      return { ...base, after, helped: false, ...(cfg.verify_within ? { waitedMs: elapsed } : {}) };
    }
    await opts.sleep(Math.min(POLL_MS, left), opts.signal);
  }
}

/** spawnFailure says why a hook could not be started, naming the file and the fix a person would make. */
function spawnFailure(err: NodeJS.ErrnoException, program: string): string {
  if (err.code === "ENOENT") return `command not found: ${program}`;
  if (err.code !== "EACCES") return err.code ?? err.message;
  let isDir = false;
  try {
    isDir = fs.statSync(program).isDirectory();
  } catch {
    // Found on the PATH, or not readable: the chmod advice still fits.
  }
  if (isDir) return `cannot execute ${program}: it is a directory, not a program`;
  return `cannot execute ${program}: permission denied (fix: chmod +x ${program}, or run it through its interpreter)`;
}
